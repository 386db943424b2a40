package org.cbinfer.kernels.io.tfjs;

import java.util.Arrays;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Window;

/** Reads the NHWC window attributes of TensorFlow convolutions and pools ({@code strides}, {@code dilations}, {@code padding}). */
final class Windows {
    private Windows() {}

    /** The window of a kernel of size {@code kh x kw} from the node's strides, dilations and padding. */
    static Window of(TfNode n, int kh, int kw) {
        requireNhwc(n);
        int[] strides = spatial(n, "strides");
        int[] dilations = n.has("dilations") ? spatial(n, "dilations") : new int[] {1, 1};
        return new Window(kh, kw, strides[0], strides[1], dilations[0], dilations[1], padding(n));
    }

    /** The {@code [1, h, w, 1]} attribute as {h, w}; batch and channel entries other than 1 are rejected. */
    static int[] spatial(TfNode n, String attr) {
        int[] v = n.ints(attr, 4);
        if (v[0] != 1 || v[3] != 1) {
            throw new ModelException(n.name(), n.op() + " attribute '" + attr + "' acts on batch or channels: "
                    + Arrays.toString(v));
        }
        return new int[] {v[1], v[2]};
    }

    static Padding padding(TfNode n) {
        String p = n.string("padding", "");
        switch (p) {
            case "SAME": return Padding.SAME;
            case "VALID": return Padding.VALID;
            case "EXPLICIT": {
                int[] e = n.ints("explicit_paddings", 8); // {N before, N after, H before, H after, W ..., C ...}
                if (e[0] != 0 || e[1] != 0 || e[6] != 0 || e[7] != 0) {
                    throw new ModelException(n.name(), "explicit padding of batch or channels: " + Arrays.toString(e));
                }
                return Padding.explicit(e[2], e[4], e[3], e[5]);
            }
            default: throw new ModelException(n.name(), n.op() + " has unsupported padding '" + p + "'");
        }
    }

    static void requireNhwc(TfNode n) {
        String format = n.string("data_format", "NHWC");
        if (!format.equals("NHWC")) {
            throw new ModelException(n.name(), n.op() + " with data_format " + format + " is not supported (only NHWC)");
        }
    }
}
