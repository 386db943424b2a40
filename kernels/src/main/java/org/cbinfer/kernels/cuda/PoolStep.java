package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.plan.AxisMap;

/** Change-based max or average pooling: recomputed at the output positions whose window holds a changed input. */
final class PoolStep extends WindowStep {
    private final boolean max;
    private final DeviceBuffer rowDivisors;
    private final DeviceBuffer colDivisors;

    PoolStep(int index, CpuPlan.Step cpu, Pool op, CudaPlan plan, Transfers transfers) {
        this(index, cpu, op, plan, transfers, AxisMap.window(op.window(), 0, cpu.inputShapes()[0][2], cpu.outputShape()[2]),
                AxisMap.window(op.window(), 1, cpu.inputShapes()[0][3], cpu.outputShape()[3]));
    }

    private PoolStep(int index, CpuPlan.Step cpu, Pool op, CudaPlan plan, Transfers transfers, AxisMap ys, AxisMap xs) {
        super(index, cpu, plan, transfers, ys, xs);
        this.max = op.kind() == Pool.Kind.MAX;
        this.rowDivisors = transfers.ints(ys.poolDivisors(op, 0));
        this.colDivisors = transfers.ints(xs.poolDivisors(op, 1));
    }

    @Override
    void launch(Launcher l, int blocks, long inputs, long outputs, long list, long count, int fixed, Window w) {
        l.launch(Kernels.POOL, blocks, 1, Launcher.BLOCK, new Kernels.Pool(inputs, outputs, list, count, fixed, w.outPlane(),
                w.rowTaps(), w.tapsY(), w.columnTaps(), w.tapsX(), w.inWidth(), w.outWidth(), w.channels(), max ? 1 : 0,
                rowDivisors.address(), colDivisors.address()));
    }

    @Override
    public void close() {
        super.close();
        plan.pool().release(rowDivisors);
        plan.pool().release(colDivisors);
    }
}
