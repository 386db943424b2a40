package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.plan.AxisMap;

/**
 * A change-based op whose output position reads a window of input positions given by tap tables (pooling,
 * resize): recomputed at the output positions whose taps hold a changed input (dilation of the input's mask
 * into the batch's position list), one thread per (position, channel). The kernel's parameters start with the
 * values, the list, the tap tables and the sizes; a subclass names the kernel and appends its own.
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

    /** The kernel's name without the element-type suffix. */
    abstract String kernel();

    /** The kernel's parameters after the common ones. */
    abstract Object[] extraArgs();

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
            l.launch("dilate_compact_u8", BatchRunner.blocks(outPlane), cams, Launcher.BLOCK, run.mask(inSlot(0)),
                    run.mask(outSlot()), run.keyframes(), rows.address(), ty, cols.address(), tx, inW, outH, outW,
                    run.list(index), run.listCount(index), run.updated(index));
            list = run.list(index);
            count = run.listCount(index);
            fixed = 0;
        }
        Object[] common = {run.val(inSlot(0)), run.val(outSlot()), list, count, fixed, outPlane, rows.address(), ty,
                cols.address(), tx, inW, outW, channels};
        Object[] extra = extraArgs();
        Object[] args = java.util.Arrays.copyOf(common, common.length + extra.length);
        System.arraycopy(extra, 0, args, common.length, extra.length);
        l.launch(kernel() + plan.suffix(), l.blocksFor((long) cams * outPlane * channels, 16), 1, Launcher.BLOCK, args);
    }

    @Override
    public void close() {
        plan.pool().release(rows);
        plan.pool().release(cols);
    }
}
