package org.cbinfer.kernels.cpu;

/** Mean of each channel plane. */
final class GlobalAveragePoolKernel extends DenseKernel {
    private final int plane;

    GlobalAveragePoolKernel(int[] in) {
        this.plane = in[2] * in[3];
    }

    @Override
    void computeAll(float[][] inputs, float[] out) {
        float[] in = inputs[0];
        for (int c = 0; c < out.length; c++) {
            double sum = 0;
            for (int p = 0, b = c * plane; p < plane; p++) sum += in[b + p];
            out[c] = (float) (sum / plane);
        }
    }
}
