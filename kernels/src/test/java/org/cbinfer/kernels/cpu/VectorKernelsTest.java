package org.cbinfer.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector API kernels give the scalar kernels' bits, in every block and tail shape. */
class VectorKernelsTest {
    @Test
    void theVectorKernelRunsInTheTests() {
        assertTrue(Gemm.VECTOR, "the tests run with --add-modules jdk.incubator.vector (surefire argLine)");
    }

    @Test
    void vectorAndScalarProductsAreBitIdenticalForEveryShape() {
        Random r = new Random(17);
        int[] ms = {1, 3, 4, 5, 8, 13, 64};
        int[] ns = {1, 7, VectorGemm.lanes() - 1, VectorGemm.lanes(), 2 * VectorGemm.lanes() + 3, 64, 100};
        int[] ks = {1, 2, 27, 144};
        for (int m : ms) {
            for (int n : ns) {
                for (int k : ks) {
                    int off = r.nextInt(5);
                    float[] a = values(r, off + m * k), b = values(r, k * n);
                    float[] scalar = new float[m * n], vector = new float[m * n];
                    java.util.Arrays.fill(vector, Float.NaN);  // every output is written
                    Gemm.scalar(a, off, m, k, b, n, scalar);
                    VectorGemm.multiply(a, off, m, k, b, n, vector);
                    for (int i = 0; i < m * n; i++) {
                        assertEquals(Float.floatToRawIntBits(scalar[i]), Float.floatToRawIntBits(vector[i]),
                                "m=" + m + " n=" + n + " k=" + k + " output " + i + ": " + scalar[i] + " vs " + vector[i]);
                    }
                }
            }
        }
    }

    /** Gaussian values with signed zeros, tiny (subnormal) products and exact cancellations mixed in. */
    private static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (r.nextInt(10)) {
                case 0 -> -0f;
                case 1 -> 0f;
                case 2 -> (float) r.nextGaussian() * 1e-20f;
                case 3 -> 1f;
                default -> (float) r.nextGaussian();
            };
        }
        return v;
    }
}
