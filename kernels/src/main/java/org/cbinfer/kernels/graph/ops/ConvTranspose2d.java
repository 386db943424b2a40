package org.cbinfer.kernels.graph.ops;

import org.cbinfer.kernels.tensor.Tensor;

/**
 * Transposed 2-D convolution ("deconvolution") as in ONNX ConvTranspose. {@code weight} is
 * [Cin, Cout/groups, kh, kw]. Padding is explicit ({@code padTop..padRight}); {@code outputPadding}
 * adds rows/columns at the end. When {@code outputSize} is given (h, w), the padding is derived from it
 * instead, split as ONNX's {@code SAME_UPPER}/{@code SAME_LOWER} rule says ({@code padAtEnd} chooses).
 */
public record ConvTranspose2d(Tensor weight, float[] bias, int strideH, int strideW, int dilationH, int dilationW,
                              int padTop, int padLeft, int padBottom, int padRight,
                              int outputPaddingH, int outputPaddingW, int[] outputSize, boolean padAtEnd,
                              int groups, Activation activation) implements Op {
    public ConvTranspose2d {
        Op.require(weight != null && weight.rank() == 4, "transposed convolution weight must be [Cin, Cout/groups, kh, kw]");
        Op.require(groups > 0 && weight.dim(0) % groups == 0, "Cin " + weight.dim(0) + " not divisible by groups " + groups);
        Op.require(strideH > 0 && strideW > 0 && dilationH > 0 && dilationW > 0, "stride and dilation must be positive");
        Op.require(padTop >= 0 && padLeft >= 0 && padBottom >= 0 && padRight >= 0, "negative padding");
        Op.require(outputPaddingH >= 0 && outputPaddingW >= 0, "negative output padding");
        Op.require(outputSize == null || outputSize.length == 2, "output size must be {h, w}");
        Op.require(bias == null || bias.length == weight.dim(1) * groups, "bias length does not match Cout");
        if (activation == null) activation = Activation.IDENTITY;
    }

    /**
     * The weights rearranged from [Cin, Cout/g, kh, kw] into a forward convolution's [Cout, Cin/g, kh, kw]: with
     * the transposed tap tables ({@code AxisMap.transposed}) the op is then the same gather-multiply as a
     * convolution, which is how both backends compute it.
     */
    public float[] forwardWeights() {
        int cin = inChannels(), g = groups, cinG = cin / g, coutG = weight.dim(1);
        int kk = kernel(0) * kernel(1);
        float[] src = weight.data();
        float[] w = new float[g * coutG * cinG * kk];
        for (int ci = 0; ci < cin; ci++) {
            int grp = ci / cinG, cil = ci % cinG;
            for (int j = 0; j < coutG; j++) {
                int co = grp * coutG + j;
                System.arraycopy(src, (ci * coutG + j) * kk, w, (co * cinG + cil) * kk, kk);
            }
        }
        return w;
    }

    public int inChannels() {
        return weight.dim(0);
    }

    public int outChannels() {
        return weight.dim(1) * groups;
    }

    public int kernel(int axis) {
        return weight.dim(2 + axis);
    }

    public int stride(int axis) {
        return axis == 0 ? strideH : strideW;
    }

    public int dilation(int axis) {
        return axis == 0 ? dilationH : dilationW;
    }

    /** {padBefore, padAfter} along an axis for an input of length {@code in}. */
    public int[] pads(int axis, int in) {
        int effective = (kernel(axis) - 1) * dilation(axis) + 1;
        int op = axis == 0 ? outputPaddingH : outputPaddingW;
        if (outputSize == null) {
            return axis == 0 ? new int[] {padTop, padBottom} : new int[] {padLeft, padRight};
        }
        int total = stride(axis) * (in - 1) + op + effective - outputSize[axis];
        Op.require(total >= 0, "requested output size " + outputSize[axis] + " too large");
        int half = total / 2;
        return padAtEnd ? new int[] {half, total - half} : new int[] {total - half, half};
    }

    public int outputLength(int axis, int in) {
        int[] p = pads(axis, in);
        int effective = (kernel(axis) - 1) * dilation(axis) + 1;
        int op = axis == 0 ? outputPaddingH : outputPaddingW;
        int out = stride(axis) * (in - 1) + op + effective - p[0] - p[1];
        Op.require(out > 0, "transposed convolution output would be empty");
        return out;
    }

    public ConvTranspose2d withActivation(Activation a) {
        return new ConvTranspose2d(weight, bias, strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom,
                padRight, outputPaddingH, outputPaddingW, outputSize, padAtEnd, groups, a);
    }

    @Override
    public String type() {
        return "ConvTranspose";
    }

    @Override
    public int[] outputShape(int[][] in) {
        int[] x = in[0];
        Op.requireImage(x, "transposed convolution");
        Op.require(x[1] == inChannels(), "input has " + x[1] + " channels, weight expects " + inChannels());
        return new int[] {1, outChannels(), outputLength(0, x[2]), outputLength(1, x[3])};
    }

    @Override
    public long macs(int[][] in, int[] out) {
        return (long) in[0][1] * in[0][2] * in[0][3] * weight.dim(1) * weight.dim(2) * weight.dim(3);
    }

    @Override
    public String describe() {
        return kernel(0) + "x" + kernel(1) + " s" + strideH + "x" + strideW
                + (groups > 1 ? " g" + groups : "") + (activation.isIdentity() ? "" : " +" + activation);
    }
}
