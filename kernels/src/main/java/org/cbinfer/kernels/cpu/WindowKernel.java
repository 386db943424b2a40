package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.plan.AxisMap;

/**
 * Base of the spatial ops whose output position reads a separable window of the input, channel by
 * channel (pooling, resize, spatial padding). Subclasses compute one channel at one position.
 */
abstract class WindowKernel extends Kernel {
    protected final int channels;
    protected final int inW;
    protected final int inPlane;
    protected final int outW;
    protected final int outPlane;
    protected final AxisMap ys;
    protected final AxisMap xs;

    WindowKernel(int[] in, int[] out, AxisMap ys, AxisMap xs) {
        this.channels = in[1];
        this.inW = in[3];
        this.inPlane = in[2] * in[3];
        this.outW = out[3];
        this.outPlane = out[2] * out[3];
        this.ys = ys;
        this.xs = xs;
    }

    @Override
    public Rule rule() {
        return Rule.WINDOW;
    }

    @Override
    public int dilate(byte[] inMask, byte[] outMask) {
        return AxisMap.dilate(inMask, ys, xs, outMask);
    }

    @Override
    public void compute(float[][] inputs, float[] out, int[] pos, int count) {
        float[] in = inputs[0];
        int n = pos == null ? outPlane : count;
        for (int c = 0; c < channels; c++) {
            int ib = c * inPlane, ob = c * outPlane;
            for (int i = 0; i < n; i++) {
                int p = pos == null ? i : pos[i];
                int oy = p / outW;
                out[ob + p] = value(in, ib, oy, p - oy * outW);
            }
        }
    }

    /** The output value of the channel whose input plane starts at {@code base}, at (oy, ox). */
    abstract float value(float[] in, int base, int oy, int ox);
}
