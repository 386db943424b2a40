package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.graph.ops.ArgMax;
import org.cbinfer.kernels.graph.ops.Softmax;
import org.cbinfer.kernels.tensor.Shapes;

/**
 * Softmax and argmax along one axis, viewed as [outer, axis, inner]. Along the channels of an image
 * each spatial position is independent, so they run per position there.
 */
final class AxisReduceKernel extends PointwiseKernel {
    private final boolean softmax;
    private final boolean lastIndex;
    private final int outer;
    private final int length;
    private final int inner;
    private final boolean channelAxisOfImage;

    private AxisReduceKernel(boolean softmax, boolean lastIndex, int axis, int[] in, int[] outShape) {
        super(outShape);
        this.softmax = softmax;
        this.lastIndex = lastIndex;
        int a = Shapes.axis(axis, in.length);
        int o = 1, i = 1;
        for (int d = 0; d < a; d++) o *= in[d];
        for (int d = a + 1; d < in.length; d++) i *= in[d];
        outer = o;
        length = in[a];
        inner = i;
        channelAxisOfImage = image && Shapes.isImage(in) && a == 1;
    }

    static AxisReduceKernel softmax(Softmax op, int[] in, int[] out) {
        return new AxisReduceKernel(true, false, op.axis(), in, out);
    }

    static AxisReduceKernel argmax(ArgMax op, int[] in, int[] out) {
        return new AxisReduceKernel(false, op.selectLastIndex(), op.axis(), in, out);
    }

    @Override
    public Rule rule() {
        return channelAxisOfImage ? Rule.POINTWISE : Rule.DENSE;
    }

    @Override
    void computeAll(float[][] inputs, float[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) reduce(inputs[0], out, o * length * inner + i, o * inner + i);
        }
    }

    @Override
    void computeAt(float[][] inputs, float[] out, int[] pos, int count) {
        for (int k = 0; k < count; k++) reduce(inputs[0], out, pos[k], pos[k]);
    }

    /** One line along the axis: input starting at {@code in0} with stride {@code inner}. */
    private void reduce(float[] in, float[] out, int in0, int argOut) {
        if (softmax) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) max = Math.max(max, in[in0 + j * inner]);
            double sum = 0;
            for (int j = 0; j < length; j++) {
                float e = (float) Math.exp(in[in0 + j * inner] - max);
                out[in0 + j * inner] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < length; j++) out[in0 + j * inner] *= inv;
        } else {
            int best = 0;
            float bestValue = in[in0];
            for (int j = 1; j < length; j++) {
                float v = in[in0 + j * inner];
                if (v > bestValue || (lastIndex && v == bestValue)) {
                    best = j;
                    bestValue = v;
                }
            }
            out[argOut] = best;
        }
    }
}
