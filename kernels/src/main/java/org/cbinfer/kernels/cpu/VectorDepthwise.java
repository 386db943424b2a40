package org.cbinfer.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The depthwise convolution of a tile of positions on the JDK's Vector API: a vector of positions at a time, each
 * tap's inputs gathered through the tile's offsets (padding taps masked off). Per output the scalar kernel's
 * arithmetic: the taps in order, each adding the rounded product; a padding tap adds nothing (the scalar kernel
 * skips it: adding a zero product to a sum that started at +0 changes no bit), so both give the same bits.
 */
final class VectorDepthwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    @SuppressWarnings("unchecked")
    private static final VectorSpecies<Integer> I = (VectorSpecies<Integer>) S.withLanes(int.class);
    private static final int L = S.length();

    private VectorDepthwise() {}

    /**
     * Sums {@code acc[t]} for the {@code nt} positions of a tile, one output channel: input plane at {@code base},
     * weights at {@code wbase}, tap k of position t at {@code offsets[k * nt + t]} (-1: padding).
     */
    static void sums(float[] in, int base, float[] weights, int wbase, int taps, int[] offsets, int nt, float[] acc) {
        for (int t0 = 0; t0 < nt; t0 += L) {
            VectorMask<Integer> range = I.indexInRange(t0, nt);
            FloatVector sum = FloatVector.zero(S);
            for (int tap = 0, oi = t0; tap < taps; tap++, oi += nt) {
                VectorMask<Integer> valid = IntVector.fromArray(I, offsets, oi, range).compare(VectorOperators.GE, 0).and(range);
                FloatVector x = FloatVector.fromArray(S, in, base, offsets, oi, valid.cast(S));
                sum = sum.add(x.mul(weights[wbase + tap]));
            }
            sum.intoArray(acc, t0, range.cast(S));
        }
    }
}
