package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.plan.AxisMap;

/** Max and average pooling; average divides by the taps inside the input, or inside input + padding. */
final class PoolKernel extends WindowKernel {
    private final boolean max;
    private final int[] divisorY;
    private final int[] divisorX;

    PoolKernel(Pool op, int[] in, int[] out) {
        super(in, out, AxisMap.window(op.window(), 0, in[2], out[2]), AxisMap.window(op.window(), 1, in[3], out[3]));
        this.max = op.kind() == Pool.Kind.MAX;
        requireInputInEveryWindow(ys, "H");
        requireInputInEveryWindow(xs, "W");
        this.divisorY = ys.poolDivisors(op, 0);
        this.divisorX = xs.poolDivisors(op, 1);
    }

    /** A window wholly inside the padding has no value: max would be -infinity, the average 0/0. */
    private static void requireInputInEveryWindow(AxisMap m, String axis) {
        for (int o = 0; o < m.outLength(); o++) {
            if (m.inside(o) == 0) {
                throw new IllegalArgumentException("pooling window " + o + " along " + axis
                        + " lies entirely in the padding (padding must be smaller than the window)");
            }
        }
    }

    @Override
    float value(float[] in, int base, int oy, int ox) {
        float acc = max ? Float.NEGATIVE_INFINITY : 0f;
        for (int j = 0; j < ys.taps(); j++) {
            int iy = ys.source(oy, j);
            if (iy < 0) continue;
            int row = base + iy * inW;
            for (int i = 0; i < xs.taps(); i++) {
                int ix = xs.source(ox, i);
                if (ix < 0) continue;
                float v = in[row + ix];
                if (max) {
                    if (v > acc || v != v) acc = v;
                } else {
                    acc += v;
                }
            }
        }
        return max ? acc : acc / (divisorY[oy] * divisorX[ox]);
    }
}
