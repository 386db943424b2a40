package org.cbinfer.kernels.graph.ops;

/**
 * Inference-mode batch normalisation over axis 1: {@code y = scale * (x - mean) / sqrt(var + eps) + bias}.
 * The optimizer folds it into a preceding convolution whenever it can.
 */
public record BatchNorm(float[] scale, float[] bias, float[] mean, float[] variance, float epsilon) implements Op {
    public BatchNorm {
        int c = scale.length;
        Op.require(bias.length == c && mean.length == c && variance.length == c,
                "batch norm parameters have different lengths");
    }

    /** Per-channel multiplier of the equivalent affine map. */
    public float multiplier(int c) {
        return (float) (scale[c] / Math.sqrt(variance[c] + (double) epsilon));
    }

    /** Per-channel offset of the equivalent affine map. */
    public float offset(int c) {
        return bias[c] - mean[c] * multiplier(c);
    }

    @Override
    public String type() {
        return "BatchNorm";
    }

    @Override
    public int[] outputShape(int[][] in) {
        Op.require(in[0].length >= 2 && in[0][1] == scale.length,
                "input channel dimension does not match " + scale.length + " batch norm channels");
        return in[0].clone();
    }
}
