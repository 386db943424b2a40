package org.cbinfer.kernels.graph.ops;

import org.cbinfer.kernels.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as in ONNX and TensorFlow) with optional bias and a fused activation.
 * {@code weight} is [Cout, Cin/groups, kh, kw]; groups = Cin gives a depthwise convolution.
 */
public record Conv2d(Tensor weight, float[] bias, Window window, int groups, Activation activation) implements Op {
    public Conv2d {
        Op.require(weight != null && weight.rank() == 4, "convolution weight must be [Cout, Cin/groups, kh, kw]");
        Op.require(groups > 0, "groups must be positive, got " + groups);
        Op.require(weight.dim(0) % groups == 0, "Cout " + weight.dim(0) + " not divisible by groups " + groups);
        Op.require(window.kernelH() == weight.dim(2) && window.kernelW() == weight.dim(3),
                "window " + window.kernelH() + "x" + window.kernelW() + " does not match weight " + weight);
        Op.require(bias == null || bias.length == weight.dim(0),
                "bias has " + (bias == null ? 0 : bias.length) + " values for " + weight.dim(0) + " output channels");
        if (activation == null) activation = Activation.IDENTITY;
    }

    public int outChannels() {
        return weight.dim(0);
    }

    public int inChannels() {
        return weight.dim(1) * groups;
    }

    public Conv2d withActivation(Activation a) {
        return new Conv2d(weight, bias, window, groups, a);
    }

    @Override
    public String type() {
        return groups > 1 && groups == inChannels() ? "DepthwiseConv" : "Conv";
    }

    @Override
    public int[] outputShape(int[][] in) {
        int[] x = in[0];
        Op.requireImage(x, "convolution");
        Op.require(x[1] == inChannels(), "input has " + x[1] + " channels, weight expects " + inChannels()
                + " (" + weight.dim(1) + " x " + groups + " groups)");
        return new int[] {1, outChannels(), window.outputLength(0, x[2], false), window.outputLength(1, x[3], false)};
    }

    @Override
    public long macs(int[][] in, int[] out) {
        return (long) out[1] * out[2] * out[3] * weight.dim(1) * weight.dim(2) * weight.dim(3);
    }

    @Override
    public String describe() {
        return window + (groups > 1 ? " g" + groups : "") + (activation.isIdentity() ? "" : " +" + activation);
    }
}
