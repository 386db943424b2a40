package org.cbinfer.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm}'s product on the JDK's Vector API: a block of 4 rows of A by 2 vectors of columns of B is kept in
 * registers over the whole reduction, instead of going through memory at every step. The arithmetic is the
 * scalar kernel's, lane by lane: each output starts at +0, and each step adds the product {@code a * b}, rounded,
 * in increasing k (a multiply then an add, no fused multiply-add), so every output has the same bits whichever
 * path, block or tail computes it, and dense and change-based passes stay bit-identical. Loaded only where the
 * {@code jdk.incubator.vector} module is present.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorGemm() {}

    /** The number of float lanes this CPU's preferred vectors hold. */
    static int lanes() {
        return L;
    }

    static void multiply(float[] a, int aOff, int m, int k, float[] b, int n, float[] c) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            int c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                FloatVector x00 = FloatVector.zero(S), x01 = FloatVector.zero(S), x10 = FloatVector.zero(S),
                        x11 = FloatVector.zero(S), x20 = FloatVector.zero(S), x21 = FloatVector.zero(S),
                        x30 = FloatVector.zero(S), x31 = FloatVector.zero(S);
                for (int kk = 0, bo = j; kk < k; kk++, bo += n) {
                    FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
                    float w0 = a[a0 + kk], w1 = a[a1 + kk], w2 = a[a2 + kk], w3 = a[a3 + kk];
                    x00 = x00.add(b0.mul(w0));
                    x01 = x01.add(b1.mul(w0));
                    x10 = x10.add(b0.mul(w1));
                    x11 = x11.add(b1.mul(w1));
                    x20 = x20.add(b0.mul(w2));
                    x21 = x21.add(b1.mul(w2));
                    x30 = x30.add(b0.mul(w3));
                    x31 = x31.add(b1.mul(w3));
                }
                x00.intoArray(c, c0 + j);
                x01.intoArray(c, c0 + j + L);
                x10.intoArray(c, c1 + j);
                x11.intoArray(c, c1 + j + L);
                x20.intoArray(c, c2 + j);
                x21.intoArray(c, c2 + j + L);
                x30.intoArray(c, c3 + j);
                x31.intoArray(c, c3 + j + L);
            }
            for (; j < n; j += L) {
                VectorMask<Float> in = S.indexInRange(j, n);
                FloatVector x0 = FloatVector.zero(S), x1 = FloatVector.zero(S), x2 = FloatVector.zero(S),
                        x3 = FloatVector.zero(S);
                for (int kk = 0, bo = j; kk < k; kk++, bo += n) {
                    FloatVector bv = FloatVector.fromArray(S, b, bo, in);
                    x0 = x0.add(bv.mul(a[a0 + kk]));
                    x1 = x1.add(bv.mul(a[a1 + kk]));
                    x2 = x2.add(bv.mul(a[a2 + kk]));
                    x3 = x3.add(bv.mul(a[a3 + kk]));
                }
                x0.intoArray(c, c0 + j, in);
                x1.intoArray(c, c1 + j, in);
                x2.intoArray(c, c2 + j, in);
                x3.intoArray(c, c3 + j, in);
            }
        }
        for (; i < m; i++) {
            int a0 = aOff + i * k, c0 = i * n;
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> in = S.indexInRange(j, n);
                FloatVector x0 = FloatVector.zero(S);
                for (int kk = 0, bo = j; kk < k; kk++, bo += n) {
                    x0 = x0.add(FloatVector.fromArray(S, b, bo, in).mul(a[a0 + kk]));
                }
                x0.intoArray(c, c0 + j, in);
            }
        }
    }
}
