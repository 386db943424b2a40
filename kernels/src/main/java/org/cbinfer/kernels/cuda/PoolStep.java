package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.plan.AxisMap;

/** Change-based max or average pooling: recomputed at the output positions whose window holds a changed input. */
final class PoolStep extends CudaStep {
    private final CudaPlan plan;
    private final int channels;
    private final int kh;
    private final int kw;
    private final int inW;
    private final int outH;
    private final int outW;
    private final boolean max;
    private final DeviceBuffer rows;
    private final DeviceBuffer cols;
    private final DeviceBuffer rowDivisors;
    private final DeviceBuffer colDivisors;

    PoolStep(int index, CpuPlan.Step cpu, Pool op, CudaPlan plan, Transfers transfers) {
        super(index, cpu);
        this.plan = plan;
        int[] in = cpu.inputShapes()[0];
        int[] out = cpu.outputShape();
        this.channels = in[1];
        this.kh = op.window().kernelH();
        this.kw = op.window().kernelW();
        this.inW = in[3];
        this.outH = out[2];
        this.outW = out[3];
        this.max = op.kind() == Pool.Kind.MAX;
        AxisMap ys = AxisMap.window(op.window(), 0, in[2], outH);
        AxisMap xs = AxisMap.window(op.window(), 1, in[3], outW);
        this.rows = transfers.ints(ys.sources());
        this.cols = transfers.ints(xs.sources());
        this.rowDivisors = transfers.ints(ys.poolDivisors(op, 0));
        this.colDivisors = transfers.ints(xs.poolDivisors(op, 1));
    }

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
                    run.mask(outSlot()), run.keyframes(), rows.address(), kh, cols.address(), kw, inW, outH, outW,
                    run.list(index), run.listCount(index), run.updated(index));
            list = run.list(index);
            count = run.listCount(index);
            fixed = 0;
        }
        l.launch("pool" + plan.suffix(), l.blocksFor((long) cams * outPlane * channels, 16), 1, Launcher.BLOCK,
                run.val(inSlot(0)), run.val(outSlot()), list, count, fixed, outPlane, rows.address(), kh, cols.address(),
                kw, inW, outW, channels, max ? 1 : 0, rowDivisors.address(), colDivisors.address());
    }

    @Override
    public void close() {
        DeviceMemoryPool pool = plan.pool();
        pool.release(rows);
        pool.release(cols);
        pool.release(rowDivisors);
        pool.release(colDivisors);
    }
}
