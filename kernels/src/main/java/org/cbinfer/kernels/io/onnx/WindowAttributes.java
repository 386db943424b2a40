package org.cbinfer.kernels.io.onnx;

import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Window;

/**
 * The sliding-window attributes that Conv, ConvTranspose and the pools share: {@code kernel_shape},
 * {@code strides}, {@code dilations}, {@code pads} and {@code auto_pad}. The engine's windows are 2-D.
 */
final class WindowAttributes {
    private WindowAttributes() {}

    /** {@code kernel_shape}, which pools require; convolutions may take it from the weight instead. */
    static int[] kernelShape(OnnxNode n) {
        long[] k = n.attributes().getInts("kernel_shape", null);
        if (k == null) throw n.fail("attribute 'kernel_shape' is required");
        return spatialPair(n, "kernel_shape", k);
    }

    /** The window for a kernel of {@code kh x kw}. */
    static Window window(OnnxNode n, int kh, int kw) {
        int[] s = pair(n, "strides");
        int[] d = pair(n, "dilations");
        return new Window(kh, kw, s[0], s[1], d[0], d[1], padding(n));
    }

    /** {@code auto_pad} as the engine's padding rule, or explicit {@code pads} when it is NOTSET. */
    static Padding padding(OnnxNode n) {
        String auto = n.attributes().getString("auto_pad", "NOTSET");
        switch (auto) {
            case "NOTSET": {
                int[] p = n.toInts(n.attributes().getInts("pads", new long[4]), "pads");
                if (p.length != 4) throw n.fail("pads " + java.util.Arrays.toString(p) + " are not 2-D [top, left, bottom, right]");
                return Padding.explicit(p[0], p[1], p[2], p[3]);
            }
            case "SAME_UPPER": return Padding.SAME;
            case "SAME_LOWER": return new Padding(Padding.Mode.SAME_LOWER, 0, 0, 0, 0);
            case "VALID": return Padding.VALID;
            default: throw n.fail("unknown auto_pad '" + auto + "'");
        }
    }

    /** A 2-D attribute such as strides or dilations (default 1, 1). */
    static int[] pair(OnnxNode n, String attribute) {
        long[] v = n.attributes().getInts(attribute, null);
        return v == null ? new int[] {1, 1} : spatialPair(n, attribute, v);
    }

    private static int[] spatialPair(OnnxNode n, String attribute, long[] v) {
        if (v.length != 2) {
            throw n.fail(attribute + " " + java.util.Arrays.toString(v) + " is not 2-D; the engine supports 2-D windows only");
        }
        return n.toInts(v, attribute);
    }
}
