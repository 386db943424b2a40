package org.cbinfer.kernels.graph.ops;

/** The sliding-window geometry shared by convolution and pooling: kernel, stride, dilation, padding. */
public record Window(int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, Padding padding) {
    public Window {
        Op.require(kernelH > 0 && kernelW > 0, "kernel size must be positive, got " + kernelH + "x" + kernelW);
        Op.require(strideH > 0 && strideW > 0, "stride must be positive, got " + strideH + "x" + strideW);
        Op.require(dilationH > 0 && dilationW > 0, "dilation must be positive, got " + dilationH + "x" + dilationW);
        Op.require(padding != null, "padding missing");
    }

    public static Window of(int kh, int kw, int stride, Padding padding) {
        return new Window(kh, kw, stride, stride, 1, 1, padding);
    }

    public int kernel(int axis) {
        return axis == 0 ? kernelH : kernelW;
    }

    public int stride(int axis) {
        return axis == 0 ? strideH : strideW;
    }

    public int dilation(int axis) {
        return axis == 0 ? dilationH : dilationW;
    }

    /** Padding {before, after} along an axis (0 = height, 1 = width) for an input of that length. */
    public int[] pads(int axis, int in) {
        return padding.resolve(axis, in, kernel(axis), stride(axis), dilation(axis));
    }

    /** Output length along an axis; {@code ceil} selects ceil-mode pooling. */
    public int outputLength(int axis, int in, boolean ceil) {
        int[] p = pads(axis, in);
        int effective = (kernel(axis) - 1) * dilation(axis) + 1;
        int span = in + p[0] + p[1] - effective;
        Op.require(span >= 0, "window " + effective + " (kernel " + kernel(axis) + ", dilation " + dilation(axis)
                + ") larger than padded input " + (in + p[0] + p[1]));
        int s = stride(axis);
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= in + p[0]) {
            out--; // the last window must start inside the input or its leading padding
        }
        return out;
    }

    @Override
    public String toString() {
        String s = kernelH + "x" + kernelW;
        if (strideH != 1 || strideW != 1) s += " s" + strideH + (strideH != strideW ? "x" + strideW : "");
        if (dilationH != 1 || dilationW != 1) s += " d" + dilationH + (dilationH != dilationW ? "x" + dilationW : "");
        return s + " " + padding;
    }
}
