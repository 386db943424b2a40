package org.cbinfer.kernels.cpu;

/** Reshape and flatten: the values are unchanged, only the shape is. */
final class CopyKernel extends DenseKernel {
    @Override
    void computeAll(float[][] inputs, float[] out) {
        System.arraycopy(inputs[0], 0, out, 0, out.length);
    }
}
