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

    @Test
    void vectorAndScalarDepthwiseSumsAreBitIdenticalWithPaddingTaps() {
        Random r = new Random(23);
        float[] in = values(r, 5000);
        for (int nt : new int[] {1, 5, VectorGemm.lanes(), VectorGemm.lanes() + 1, 64}) {
            for (int taps : new int[] {1, 9, 25}) {
                float[] w = values(r, 3 + taps);
                int[] offsets = new int[taps * nt];
                for (int i = 0; i < offsets.length; i++) offsets[i] = r.nextInt(4) == 0 ? -1 : r.nextInt(4000);
                // runs of side-by-side inputs (a row at stride 1), some ending in padding, as dense tiles have
                for (int tap = 0; tap < taps; tap += 2) {
                    int start = r.nextInt(3000);
                    for (int t = 0; t < nt; t++) offsets[tap * nt + t] = start + t;
                    if (tap % 4 == 2 && nt > 1) offsets[tap * nt + nt - 1] = -1;
                    // a row's edge inside a vector: the padding tap between two real ones whose offsets are L - 1 apart
                    if (tap % 4 == 0 && nt > 2) offsets[tap * nt + nt / 2] = -1;
                }
                float[] scalar = new float[nt], vector = new float[nt + 3];
                java.util.Arrays.fill(vector, Float.NaN);
                ConvKernel.depthwiseSums(in, 7, w, 3, taps, offsets, nt, scalar);
                VectorDepthwise.sums(in, 7, w, 3, taps, offsets, nt, vector);
                for (int t = 0; t < nt; t++) {
                    assertEquals(Float.floatToRawIntBits(scalar[t]), Float.floatToRawIntBits(vector[t]),
                            "nt=" + nt + " taps=" + taps + " position " + t);
                }
                for (int t = nt; t < nt + 3; t++) assertTrue(Float.isNaN(vector[t]), "written past the tile at " + t);
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
