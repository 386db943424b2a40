package org.cbinfer.kernels.cpu;

/**
 * Single-precision matrix product for the convolution tiles: {@code C[m][n] = A[m][k] * B[k][n]},
 * row-major. Four rows of A are processed together so each row of B is read once per four outputs;
 * the innermost loop runs over contiguous columns and is vectorised by the JIT. Every output is
 * accumulated over k in increasing order, whatever the tile sizes, so dense and change-based passes
 * produce bit-identical values for the same inputs.
 */
final class Gemm {
    private Gemm() {}

    static void multiply(float[] a, int aOff, int m, int k, float[] b, int n, float[] c) {
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
