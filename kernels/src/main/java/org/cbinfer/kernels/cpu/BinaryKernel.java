package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.tensor.Shapes;

/** Elementwise binary op with numpy broadcasting, through per-operand broadcast strides. */
final class BinaryKernel extends PointwiseKernel {
    private final Binary op;
    private final int[] strideA;
    private final int[] strideB;

    BinaryKernel(Binary op, int[] a, int[] b, int[] outShape) {
        super(outShape);
        this.op = op;
        this.strideA = Shapes.broadcastStrides(a, outShape);
        this.strideB = Shapes.broadcastStrides(b, outShape);
    }

    @Override
    void computeAll(float[][] inputs, float[] out) {
        float[] a = inputs[0], b = inputs[1];
        int rank = outShape.length;
        if (rank == 0) {
            out[0] = op.apply(a[0], b[0]);
            return;
        }
        int[] idx = new int[rank];
        int last = rank - 1, n = outShape[last], sa = strideA[last], sb = strideB[last];
        int oa = 0, ob = 0;
        for (int o = 0; o < out.length; o += n) {
            for (int j = 0; j < n; j++) out[o + j] = op.apply(a[oa + j * sa], b[ob + j * sb]);
            // advance the multi-index over all but the last axis
            for (int d = last - 1; d >= 0; d--) {
                oa += strideA[d];
                ob += strideB[d];
                if (++idx[d] < outShape[d]) break;
                oa -= strideA[d] * outShape[d];
                ob -= strideB[d] * outShape[d];
                idx[d] = 0;
            }
        }
    }

    @Override
    void computeAt(float[][] inputs, float[] out, int[] pos, int count) {
        float[] a = inputs[0], b = inputs[1];
        int w = outShape[3];
        for (int c = 0, channels = outShape[1]; c < channels; c++) {
            int base = c * plane, ca = c * strideA[1], cb = c * strideB[1];
            for (int i = 0; i < count; i++) {
                int p = pos[i], y = p / w, x = p - y * w;
                out[base + p] = op.apply(a[ca + y * strideA[2] + x * strideA[3]], b[cb + y * strideB[2] + x * strideB[3]]);
            }
        }
    }
}
