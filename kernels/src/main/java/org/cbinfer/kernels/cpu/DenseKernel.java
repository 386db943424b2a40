package org.cbinfer.kernels.cpu;

/** Base of ops with no change-based form: always computed whole. */
abstract class DenseKernel extends Kernel {
    @Override
    public Rule rule() {
        return Rule.DENSE;
    }

    @Override
    public void compute(float[][] inputs, float[] out, int[] pos, int count) {
        computeAll(inputs, out);
    }

    abstract void computeAll(float[][] inputs, float[] out);
}
