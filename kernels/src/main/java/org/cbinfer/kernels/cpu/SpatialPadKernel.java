package org.cbinfer.kernels.cpu;

import org.cbinfer.kernels.graph.ops.Pad;
import org.cbinfer.kernels.plan.AxisMap;

/** Padding of H and W of an image (constant, reflect, edge); other paddings use {@link PadKernel}. */
final class SpatialPadKernel extends WindowKernel {
    private final float value;

    SpatialPadKernel(Pad op, int[] in, int[] out) {
        super(in, out, AxisMap.pad(op, 2, in[2], out[2]), AxisMap.pad(op, 3, in[3], out[3]));
        this.value = op.value();
    }

    @Override
    float value(float[] in, int base, int oy, int ox) {
        int iy = ys.source(oy, 0), ix = xs.source(ox, 0);
        return iy < 0 || ix < 0 ? value : in[base + iy * inW + ix];
    }
}
