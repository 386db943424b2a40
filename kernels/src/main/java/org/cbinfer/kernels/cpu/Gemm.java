package org.cbinfer.kernels.cpu;

/**
 * Single-precision matrix product for the convolution tiles: {@code C[m][n] = A[m][k] * B[k][n]},
 * row-major. Every output is accumulated over k in increasing order, whatever the tile sizes, so dense and
 * change-based passes produce bit-identical values for the same inputs.
 *
 * <p>Where the JVM has the {@code jdk.incubator.vector} module ({@code --add-modules jdk.incubator.vector}, as
 * {@code bin/cbinfer}, the local cluster and the tests run it) {@link VectorGemm} computes it in registers; else
 * the scalar loop below, whose inner loop over contiguous columns the JIT vectorises. Both give the same bits;
 * {@code -Dcbinfer.cpu.vector=false} keeps the scalar one.
 */
final class Gemm {
    private static final System.Logger LOG = System.getLogger(Gemm.class.getName());
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("cbinfer.cpu.vector"));

    static {
        LOG.log(System.Logger.Level.DEBUG, () -> VECTOR
                ? "CPU GEMM on the Vector API, " + VectorGemm.lanes() + " float lanes"
                : "CPU GEMM scalar (no jdk.incubator.vector module: run with --add-modules jdk.incubator.vector)");
    }

    private Gemm() {}

    static void multiply(float[] a, int aOff, int m, int k, float[] b, int n, float[] c) {
        if (VECTOR) {
            VectorGemm.multiply(a, aOff, m, k, b, n, c);
        } else {
            scalar(a, aOff, m, k, b, n, c);
        }
    }

    static void scalar(float[] a, int aOff, int m, int k, float[] b, int n, float[] c) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
            java.util.Arrays.fill(c, c0, c3 + n, 0f);
            int a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            for (int kk = 0; kk < k; kk++) {
                float w0 = a[a0 + kk], w1 = a[a1 + kk], w2 = a[a2 + kk], w3 = a[a3 + kk];
                int bo = kk * n;
                for (int j = 0; j < n; j++) {
                    float bv = b[bo + j];
                    c[c0 + j] += w0 * bv;
                    c[c1 + j] += w1 * bv;
                    c[c2 + j] += w2 * bv;
                    c[c3 + j] += w3 * bv;
                }
            }
        }
        for (; i < m; i++) {
            int c0 = i * n;
            java.util.Arrays.fill(c, c0, c0 + n, 0f);
            int a0 = aOff + i * k;
            for (int kk = 0; kk < k; kk++) {
                float w0 = a[a0 + kk];
                int bo = kk * n;
                for (int j = 0; j < n; j++) c[c0 + j] += w0 * b[bo + j];
            }
        }
    }
}
