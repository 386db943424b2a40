package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.graph.ops.DepthToSpace;
import org.cbinfer.kernels.graph.ops.Pad;
import org.cbinfer.kernels.graph.ops.Transpose;
import org.cbinfer.kernels.tensor.Shapes;

/**
 * Ops whose every output element copies one input element (or a constant): transpose, depth-to-space,
 * padding of any axes. The source index of each output element is computed once per shape.
 */
final class GatherKernel extends DenseKernel {
    private final int[] source;
    private final float fill;

    private GatherKernel(int[] source, float fill) {
        this.source = source;
        this.fill = fill;
    }

    static GatherKernel transpose(Transpose op, int[] in, int[] out) {
        int[] inStrides = Shapes.strides(in);
        int[] src = new int[Shapes.size(out)];
        int[] idx = new int[out.length];
        for (int o = 0; o < src.length; o++) {
            int s = 0;
            for (int d = 0; d < out.length; d++) s += idx[d] * inStrides[op.perm()[d]];
            src[o] = s;
            increment(idx, out);
        }
        return new GatherKernel(src, 0f);
    }

    static GatherKernel pad(Pad op, int[] in, int[] out) {
        int[] inStrides = Shapes.strides(in);
        int[] src = new int[Shapes.size(out)];
        int[] idx = new int[out.length];
        for (int o = 0; o < src.length; o++) {
            int s = 0;
            for (int d = 0; d < out.length && s >= 0; d++) {
                int i = op.source(d, idx[d], in[d]);
                s = i < 0 ? -1 : s + i * inStrides[d];
            }
            src[o] = s;
            increment(idx, out);
        }
        return new GatherKernel(src, op.value());
    }

    static GatherKernel depthToSpace(DepthToSpace op, int[] in, int[] out) {
        int b = op.blockSize(), c = out[1], h = out[2], w = out[3], ih = in[2], iw = in[3];
        int[] src = new int[Shapes.size(out)];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int by = y % b, bx = x % b;
                    int ic = op.crd() ? ch * b * b + by * b + bx : (by * b + bx) * c + ch;
                    src[(ch * h + y) * w + x] = (ic * ih + y / b) * iw + x / b;
                }
            }
        }
        return new GatherKernel(src, 0f);
    }

    private static void increment(int[] idx, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return;
            idx[d] = 0;
        }
    }

    @Override
    void computeAll(float[][] inputs, float[] out) {
        float[] in = inputs[0];
        for (int o = 0; o < out.length; o++) {
            int s = source[o];
            out[o] = s < 0 ? fill : in[s];
        }
    }
}
