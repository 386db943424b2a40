package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.plan.AxisMap;

/**
 * A change-based op whose output position reads a window of input positions given by tap tables (pooling,
 * resize): recomputed at the output positions whose taps hold a changed input (dilation of the input's mask
 * into the batch's position list), one thread per (position, channel). A subclass launches its kernel with
 * the geometry all window kernels take and its own parameters.
 */
abstract class WindowStep extends CudaStep {
    final CudaPlan plan;
    private final int channels;
    private final int ty;
    private final int tx;
    private final int inW;
    private final int outH;
    private final int outW;
    private final DeviceBuffer rows;
    private final DeviceBuffer cols;

    WindowStep(int index, CpuPlan.Step cpu, CudaPlan plan, Transfers transfers, AxisMap ys, AxisMap xs) {
        super(index, cpu);
        this.plan = plan;
        int[] in = cpu.inputShapes()[0];
        int[] out = cpu.outputShape();
        this.channels = in[1];
        this.inW = in[3];
        this.outH = out[2];
        this.outW = out[3];
        this.ty = ys.taps();
        this.tx = xs.taps();
        this.rows = transfers.ints(ys.sources());
        this.cols = transfers.ints(xs.sources());
    }

    /**
     * Launches the op's kernel on the batch: inputs and outputs are value tables, the positions are those of
     * {@code list} (its length at {@code count}), or the first {@code fixed} of the batch when the list is null.
     */
    abstract void launch(Launcher l, int blocks, long inputs, long outputs, long list, long count, int fixed,
                         Window w);

    /** The geometry every window kernel takes. */
    record Window(int outPlane, long rowTaps, int tapsY, long columnTaps, int tapsX, int inWidth, int outWidth,
                  int channels) {}

    @Override
    boolean usesList() {
        return true;
    }

    @Override
    void enqueue(BatchRunner run) {
        Launcher l = run.launcher();
        int cams = run.cams(), outPlane = outH * outW;
        long list = Launcher.NULL, count = Launcher.NULL;
        int fixed = cams * outPlane;
        if (run.mode() == BatchRunner.Mode.CHANGE_BASED) {
            l.launch(Kernels.DILATE_COMPACT, Launcher.blocks(outPlane), cams, Launcher.BLOCK, new Kernels.DilateCompact(
                    run.mask(inSlot(0)), run.mask(outSlot()), run.keyframes(), rows.address(), ty, cols.address(), tx, inW,
                    outH, outW, run.list(index), run.listCount(index), run.updated(index)));
            list = run.list(index);
            count = run.listCount(index);
            fixed = 0;
        }
        launch(l, l.blocksFor((long) cams * outPlane * channels, 16), run.val(inSlot(0)), run.val(outSlot()), list, count,
                fixed, new Window(outPlane, rows.address(), ty, cols.address(), tx, inW, outW, channels));
    }

    @Override
    public void close() {
        plan.pool().release(rows);
        plan.pool().release(cols);
    }
}
