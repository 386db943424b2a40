package org.cbinfer.kernels.cuda;

import org.cbinfer.kernels.cpu.CpuPlan;

/**
 * One node of a {@link CudaPlan} on the GPU: enqueues its kernels for a whole micro-batch of cameras. In a
 * change-based run a step also writes its output's change mask (and counts per camera) for the steps after it;
 * in a dense or restoring run it only computes values.
 */
abstract class CudaStep implements AutoCloseable {
    final int index;
    final CpuPlan.Step cpu;

    CudaStep(int index, CpuPlan.Step cpu) {
        this.index = index;
        this.cpu = cpu;
    }

    abstract void enqueue(BatchRunner run);

    /** Readies what a runner needs of this step before its first frame is captured (library algorithms). */
    void prepare(BatchRunner run) {}

    /** True for change-based convolutions: they keep a committed input and a detection mask per camera. */
    boolean detects() {
        return false;
    }

    /** True when the step needs an affected-position list per batch. */
    boolean usesList() {
        return false;
    }

    /** True when the step computes into a scratch buffer that a diff then compares with the stored value. */
    boolean usesFresh() {
        return false;
    }

    /** True when the step runs on the host: the frame's work then cannot be captured as one CUDA graph. */
    boolean onHost() {
        return false;
    }

    int outSlot() {
        return cpu.outputSlot();
    }

    int inSlot(int i) {
        return cpu.inputSlots()[i];
    }

    @Override
    public void close() {}
}
