package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.tensor.Shapes;

/** Concatenation: blocks of each input copied into place; per position when joining image channels. */
final class ConcatKernel extends PointwiseKernel {
    private final int outer;
    private final int[] blocks;

    ConcatKernel(int axis, int[][] in, int[] outShape) {
        super(outShape);
        int a = Shapes.axis(axis, outShape.length);
        int o = 1;
        for (int d = 0; d < a; d++) o *= outShape[d];
        outer = o;
        blocks = new int[in.length];
        for (int i = 0; i < in.length; i++) blocks[i] = Shapes.size(in[i]) / Math.max(o, 1);
    }

    @Override
    public Rule rule() {
        return image && outer == 1 ? Rule.POINTWISE : Rule.DENSE;
    }

    @Override
    void computeAll(float[][] inputs, float[] out) {
        int total = 0;
        for (int b : blocks) total += b;
        for (int o = 0; o < outer; o++) {
            int at = o * total;
            for (int i = 0; i < inputs.length; i++) {
                System.arraycopy(inputs[i], o * blocks[i], out, at, blocks[i]);
                at += blocks[i];
            }
        }
    }

    @Override
    void computeAt(float[][] inputs, float[] out, int[] pos, int count) {
        int at = 0;
        for (int i = 0; i < inputs.length; i++) {
            float[] in = inputs[i];
            int channels = blocks[i] / plane;
            for (int c = 0; c < channels; c++) {
                int ib = c * plane, ob = at + c * plane;
                for (int k = 0; k < count; k++) out[ob + pos[k]] = in[ib + pos[k]];
            }
            at += blocks[i];
        }
    }
}
