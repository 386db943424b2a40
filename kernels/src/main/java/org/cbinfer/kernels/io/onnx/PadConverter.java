package org.cbinfer.kernels.io.onnx;

import org.cbinfer.kernels.graph.ops.Pad;

/**
 * Pad: pads and value are attributes before opset 11 ({@code paddings} in opset 1), constant inputs from
 * then on; opset 18 adds optional {@code axes}. Modes constant, reflect and edge.
 */
final class PadConverter {
    private PadConverter() {}

    static void convert(OnnxNode n) {
        NodeAttributes a = n.attributes();
        long[] pads;
        float value;
        if (n.opset() < 11) {
            pads = a.getInts(n.opset() < 2 ? "paddings" : "pads", null);
            if (pads == null) throw n.fail("attribute 'pads' is required");
            value = a.getFloat("value", 0f);
        } else {
            pads = n.constantLongs(1, "pads");
            value = n.has(2) ? n.constantScalar(2, "constant_value") : 0f;
            if (n.has(3)) pads = spread(n, n.constantLongs(3, "axes"), pads);
        }
        n.emit(new Pad(mode(n, a.getString("mode", "constant")), n.toInts(pads, "pads"), value), n.input(0));
    }

    /** Pads given for some axes only, as pads for every axis (zero for the others). */
    private static long[] spread(OnnxNode n, long[] axes, long[] pads) {
        int[] in = n.shape(0);
        if (in == null) throw n.fail("axes need the input's static shape");
        if (pads.length != 2 * axes.length) throw n.fail(pads.length + " pads for " + axes.length + " axes");
        int rank = in.length;
        long[] full = new long[2 * rank];
        for (int i = 0; i < axes.length; i++) {
            long axis = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (axis < 0 || axis >= rank) throw n.fail("axis " + axes[i] + " out of range for rank " + rank);
            full[(int) axis] = pads[i];
            full[(int) axis + rank] = pads[i + axes.length];
        }
        return full;
    }

    private static Pad.Mode mode(OnnxNode n, String mode) {
        switch (mode) {
            case "constant": return Pad.Mode.CONSTANT;
            case "reflect": return Pad.Mode.REFLECT;
            case "edge": return Pad.Mode.EDGE;
            default: throw n.fail("mode '" + mode + "' is not supported (constant, reflect, edge)");
        }
    }
}
