package org.cbinfer.kernels.graph.ops;

import java.util.Arrays;

/**
 * Padding of any rank, ONNX layout: {@code pads} = [begin_0 .. begin_{r-1}, end_0 .. end_{r-1}];
 * constant (with {@code value}), reflect (mirror without repeating the edge) or edge (replicate).
 */
public record Pad(Mode mode, int[] pads, float value) implements Op {
    public enum Mode { CONSTANT, REFLECT, EDGE }

    public Pad {
        Op.require(mode != null && pads != null && pads.length % 2 == 0, "pads must hold begins then ends");
        for (int p : pads) {
            Op.require(p >= 0, "negative pads (cropping) are not supported: " + Arrays.toString(pads));
        }
    }

    public int before(int axis) {
        return pads[axis];
    }

    public int after(int axis) {
        return pads[axis + pads.length / 2];
    }

    /** True when only H and W of a 4-D tensor are padded (so changes map position to position). */
    public boolean spatialOnly() {
        return pads.length == 8 && pads[0] == 0 && pads[1] == 0 && pads[4] == 0 && pads[5] == 0;
    }

    /** Source index along an axis for output index {@code o}, or -1 in the constant region. */
    public int source(int axis, int o, int in) {
        int i = o - before(axis);
        if (i >= 0 && i < in) {
            return i;
        }
        switch (mode) {
            case CONSTANT: return -1;
            case EDGE: return i < 0 ? 0 : in - 1;
            case REFLECT: {
                if (in == 1) return 0;
                int period = 2 * (in - 1);
                int m = Math.floorMod(i, period);
                return m < in ? m : period - m;
            }
            default: throw new AssertionError(mode);
        }
    }

    @Override
    public String type() {
        return "Pad";
    }

    @Override
    public int[] outputShape(int[][] in) {
        int[] x = in[0];
        Op.require(pads.length == 2 * x.length, "pads " + Arrays.toString(pads) + " do not match rank " + x.length);
        int[] out = new int[x.length];
        for (int a = 0; a < x.length; a++) {
            if (mode == Mode.REFLECT) {
                Op.require(before(a) < x[a] && after(a) < x[a] || (before(a) == 0 && after(a) == 0),
                        "reflect padding " + before(a) + "/" + after(a) + " needs more than that many values on axis " + a);
            }
            Op.require(mode == Mode.CONSTANT || x[a] > 0 || (before(a) == 0 && after(a) == 0),
                    "cannot " + mode + "-pad an empty axis " + a);
            out[a] = x[a] + before(a) + after(a);
        }
        return out;
    }

    @Override
    public String describe() {
        return mode + " " + Arrays.toString(pads);
    }
}
