package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.graph.ops.BatchNorm;

/** Batch norm that could not be folded into a convolution: a per-channel affine map over axis 1. */
final class BatchNormKernel extends PointwiseKernel {
    private final float[] mul;
    private final float[] add;
    private final int inner;

    BatchNormKernel(BatchNorm op, int[] outShape) {
        super(outShape);
        int c = outShape[1];
        mul = new float[c];
        add = new float[c];
        for (int i = 0; i < c; i++) {
            mul[i] = op.multiplier(i);
            add[i] = op.offset(i);
        }
        int n = 1;
        for (int d = 2; d < outShape.length; d++) n *= outShape[d];
        inner = n;
    }

    @Override
    void computeAll(float[][] inputs, float[] out) {
        float[] in = inputs[0];
        int c = mul.length;
        for (int i = 0; i < out.length; i++) {
            int ch = (i / inner) % c;
            out[i] = in[i] * mul[ch] + add[ch];
        }
    }

    @Override
    void computeAt(float[][] inputs, float[] out, int[] pos, int count) {
        float[] in = inputs[0];
        for (int c = 0; c < mul.length; c++) {
            int base = c * plane;
            for (int i = 0; i < count; i++) {
                int k = base + pos[i];
                out[k] = in[k] * mul[c] + add[c];
            }
        }
    }
}
