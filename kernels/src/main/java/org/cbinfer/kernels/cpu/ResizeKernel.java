package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.plan.AxisMap;

/** Nearest or bilinear resize: the weighted sum of the (1 or 2) x (1 or 2) source taps. */
final class ResizeKernel extends WindowKernel {
    ResizeKernel(Resize op, int[] in, int[] out) {
        super(in, out, AxisMap.resize(op, 0, in[2], out[2]), AxisMap.resize(op, 1, in[3], out[3]));
    }

    @Override
    float value(float[] in, int base, int oy, int ox) {
        float acc = 0f;
        for (int j = 0; j < ys.taps(); j++) {
            int row = base + ys.source(oy, j) * inW;
            float rowAcc = 0f;
            for (int i = 0; i < xs.taps(); i++) rowAcc += xs.weight(ox, i) * in[row + xs.source(ox, i)];
            acc += ys.weight(oy, j) * rowAcc;
        }
        return acc;
    }
}
