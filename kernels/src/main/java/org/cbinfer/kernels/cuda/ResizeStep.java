package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.plan.AxisMap;

/**
 * Change-based nearest or linear resize: recomputed at the output positions whose source taps hold a changed
 * input, as the weighted sum of the taps (in the CPU kernel's order).
 */
final class ResizeStep extends WindowStep {
    private final DeviceBuffer rowWeights;
    private final DeviceBuffer colWeights;

    ResizeStep(int index, CpuPlan.Step cpu, Resize op, CudaPlan plan, Transfers transfers) {
        this(index, cpu, plan, transfers, AxisMap.resize(op, 0, cpu.inputShapes()[0][2], cpu.outputShape()[2]),
                AxisMap.resize(op, 1, cpu.inputShapes()[0][3], cpu.outputShape()[3]));
    }

    private ResizeStep(int index, CpuPlan.Step cpu, CudaPlan plan, Transfers transfers, AxisMap ys, AxisMap xs) {
        super(index, cpu, plan, transfers, ys, xs);
        this.rowWeights = transfers.floats(ys.weights());
        this.colWeights = transfers.floats(xs.weights());
    }

    @Override
    void launch(Launcher l, int blocks, long inputs, long outputs, long list, long count, int fixed, Window w) {
        l.launch(Kernels.RESIZE, blocks, 1, Launcher.BLOCK, new Kernels.Resize(inputs, outputs, list, count, fixed,
                w.outPlane(), w.rowTaps(), w.tapsY(), w.columnTaps(), w.tapsX(), w.inWidth(), w.outWidth(), w.channels(),
                rowWeights.address(), colWeights.address()));
    }

    @Override
    public void close() {
        super.close();
        plan.pool().release(rowWeights);
        plan.pool().release(colWeights);
    }
}
