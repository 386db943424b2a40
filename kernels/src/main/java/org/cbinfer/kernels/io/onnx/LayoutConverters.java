package org.cbinfer.kernels.io.onnx;

import org.cbinfer.kernels.graph.ops.DepthToSpace;
import org.cbinfer.kernels.graph.ops.Reshape;
import org.cbinfer.kernels.graph.ops.Transpose;

/** Ops that move values without computing: Reshape, Transpose and DepthToSpace. */
final class LayoutConverters {
    private LayoutConverters() {}

    /** Reshape: the target shape is an attribute before opset 5, a constant input from then on. */
    static void reshape(OnnxNode n) {
        long[] shape = n.opset() < 5 ? n.attributes().getInts("shape", null) : n.constantLongs(1, "shape");
        if (shape == null) throw n.fail("attribute 'shape' is required");
        boolean allowZero = n.attributes().getInt("allowzero", 0) != 0;
        n.emit(new Reshape(n.toInts(shape, "shape"), allowZero), n.input(0));
    }

    /** Transpose; without {@code perm} the dimensions are reversed, which needs the input's rank. */
    static void transpose(OnnxNode n) {
        long[] perm = n.attributes().getInts("perm", null);
        int[] p;
        if (perm != null) {
            p = n.toInts(perm, "perm");
        } else {
            int[] x = n.shape(0);
            if (x == null) throw n.fail("without 'perm' the input's static shape is needed");
            p = new int[x.length];
            for (int i = 0; i < p.length; i++) p[i] = p.length - 1 - i;
        }
        n.emit(new Transpose(p), n.input(0));
    }

    /** DepthToSpace; {@code mode} (opset 11 on) is DCR by default or CRD. */
    static void depthToSpace(OnnxNode n) {
        NodeAttributes a = n.attributes();
        if (!a.has("blocksize")) throw n.fail("attribute 'blocksize' is required");
        String mode = a.getString("mode", "DCR");
        if (!mode.equals("DCR") && !mode.equals("CRD")) throw n.fail("unknown mode '" + mode + "'");
        n.emit(new DepthToSpace(n.toInt(a.getInt("blocksize", 0), "blocksize"), mode.equals("CRD")), n.input(0));
    }
}
