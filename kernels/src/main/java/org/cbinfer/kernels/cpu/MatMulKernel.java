package org.cbinfer.kernels.cpu;

import java.util.Arrays;
import org.cbinfer.kernels.tensor.Shapes;

/** Batched matrix product with numpy broadcasting of the batch dimensions. */
final class MatMulKernel extends DenseKernel {
    private final int m;
    private final int k;
    private final int n;
    private final int[] batchShape;
    private final int[] strideA;
    private final int[] strideB;

    MatMulKernel(int[] a, int[] b) {
        int[] pa = a.length == 1 ? new int[] {1, a[0]} : a;
        int[] pb = b.length == 1 ? new int[] {b[0], 1} : b;
        m = pa[pa.length - 2];
        k = pa[pa.length - 1];
        n = pb[pb.length - 1];
        int[] ba = Arrays.copyOf(pa, pa.length - 2), bb = Arrays.copyOf(pb, pb.length - 2);
        batchShape = Shapes.broadcast(ba, bb);
        strideA = Shapes.broadcastStrides(ba, batchShape);
        strideB = Shapes.broadcastStrides(bb, batchShape);
    }

    @Override
    void computeAll(float[][] inputs, float[] out) {
        float[] a = inputs[0], b = inputs[1];
        int batches = Shapes.size(batchShape);
        int[] idx = new int[batchShape.length];
        for (int bi = 0; bi < batches; bi++) {
            int oa = 0, ob = 0;
            for (int d = 0; d < idx.length; d++) {
                oa += idx[d] * strideA[d];
                ob += idx[d] * strideB[d];
            }
            oa *= m * k;
            ob *= k * n;
            int oc = bi * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int q = 0; q < k; q++) acc += a[oa + i * k + q] * b[ob + q * n + j];
                    out[oc + i * n + j] = acc;
                }
            }
            for (int d = idx.length - 1; d >= 0; d--) {
                if (++idx[d] < batchShape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
