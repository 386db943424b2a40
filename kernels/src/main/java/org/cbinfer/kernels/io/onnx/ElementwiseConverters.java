package org.cbinfer.kernels.io.onnx;

import java.util.Arrays;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Reshape;

/**
 * Add, Sub, Mul, Div and PRelu with numpy broadcasting (opset 7 on). Older opsets broadcast differently
 * ({@code broadcast}/{@code axis} attributes, per-channel PRelu slopes); those operands get a reshape so that
 * numpy broadcasting gives the same result.
 */
final class ElementwiseConverters {
    private ElementwiseConverters() {}

    static OpConverter binary(Binary.Kind kind) {
        return n -> n.emit(new Binary(kind), n.input(0), legacyBroadcast(n));
    }

    /** PRelu; before opset 7 a slope of C values applies per channel (axis 1). */
    static void prelu(OnnxNode n) {
        String slope = n.input(1);
        int[] x = n.shape(0);
        int[] s = n.shape(1);
        if (n.opset() < 7 && x != null && s != null && s.length == 1 && s[0] > 1 && x.length > 2 && x[1] == s[0]) {
            int[] perChannel = new int[x.length - 1];
            Arrays.fill(perChannel, 1);
            perChannel[0] = s[0];
            slope = n.emitHelper("slope", new Reshape(perChannel, true), slope);
        }
        n.emit(new Binary(Binary.Kind.PRELU), n.input(0), slope);
    }

    /** The second operand; with opset < 7's {@code broadcast=1, axis=k}, reshaped to align with the first at axis k. */
    private static String legacyBroadcast(OnnxNode n) {
        String b = n.input(1);
        NodeAttributes a = n.attributes();
        if (n.opset() >= 7 || a.getInt("broadcast", 0) == 0 || !a.has("axis")) return b;
        int[] xs = n.shape(0);
        int[] bs = n.shape(1);
        if (xs == null || bs == null) throw n.fail("legacy broadcast with an axis needs static shapes");
        int axis = n.toInt(a.getInt("axis", 0), "axis");
        if (axis < 0) axis += xs.length;
        if (axis < 0 || axis + bs.length > xs.length) {
            throw n.fail("cannot broadcast " + Arrays.toString(bs) + " at axis " + axis + " of " + Arrays.toString(xs));
        }
        int[] aligned = Arrays.copyOf(bs, xs.length - axis);
        Arrays.fill(aligned, bs.length, aligned.length, 1);
        return aligned.length == bs.length ? b : n.emitHelper("broadcast", new Reshape(aligned, true), b);
    }
}
