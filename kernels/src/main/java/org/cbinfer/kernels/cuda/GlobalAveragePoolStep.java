package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.cpu.CpuPlan;

/**
 * Global average pooling: one value per channel that any changed input position may move, so it is recomputed
 * whole into scratch and compared with the stored value; its one-position mask says whether it changed.
 */
final class GlobalAveragePoolStep extends CudaStep {
    private final CudaPlan plan;

    GlobalAveragePoolStep(int index, CpuPlan.Step cpu, CudaPlan plan) {
        super(index, cpu);
        this.plan = plan;
    }

    @Override
    boolean usesFresh() {
        return true;
    }

    @Override
    void enqueue(BatchRunner run) {
        Launcher l = run.launcher();
        SlotLayout in = plan.slots()[inSlot(0)];
        SlotLayout out = plan.slots()[outSlot()];
        l.launch(Kernels.GLOBAL_AVERAGE_POOL, Launcher.blocks(in.channels()), run.cams(), Launcher.BLOCK,
                new Kernels.GlobalAveragePool(run.val(inSlot(0)), run.fresh(index), in.channels(), in.plane()));
        l.launch(Kernels.DIFF_COPY, Launcher.blocks(out.plane()), run.cams(), Launcher.BLOCK, new Kernels.DiffCopy(
                run.fresh(index), run.val(outSlot()), run.mask(outSlot()), run.keyframes(), run.updated(index),
                out.channels(), out.plane()));
    }
}
