package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.graph.ops.Activation;

/** An activation applied elementwise. */
final class UnaryKernel extends PointwiseKernel {
    private final Activation activation;

    UnaryKernel(Activation activation, int[] outShape) {
        super(outShape);
        this.activation = activation;
    }

    @Override
    void computeAll(float[][] inputs, float[] out) {
        float[] in = inputs[0];
        for (int i = 0; i < out.length; i++) out[i] = activation.apply(in[i]);
    }

    @Override
    void computeAt(float[][] inputs, float[] out, int[] pos, int count) {
        float[] in = inputs[0];
        for (int c = 0, channels = outShape[1]; c < channels; c++) {
            int base = c * plane;
            for (int i = 0; i < count; i++) {
                int k = base + pos[i];
                out[k] = activation.apply(in[k]);
            }
        }
    }
}
