package org.cbinfer.kernels.io.onnx;

import org.cbinfer.kernels.graph.ops.ArgMax;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Flatten;
import org.cbinfer.kernels.graph.ops.Reshape;
import org.cbinfer.kernels.graph.ops.Softmax;
import org.cbinfer.kernels.tensor.Shapes;

/** Ops parameterised by an axis: Softmax, ArgMax, Concat and Flatten. */
final class AxisConverters {
    private AxisConverters() {}

    /**
     * Softmax. From opset 13 along one axis (default -1). Before, the input is seen as 2-D, flattened from
     * {@code axis} (default 1) on, and normalised over everything from the axis on: a flatten, a softmax and
     * a reshape back, unless all dimensions after the axis are 1.
     */
    static void softmax(OnnxNode n) {
        if (n.opset() >= 13) {
            n.emit(new Softmax(n.toInt(n.attributes().getInt("axis", -1), "axis")), n.input(0));
            return;
        }
        int axis = n.toInt(n.attributes().getInt("axis", 1), "axis");
        int[] x = n.shape(0);
        if (axis == -1) {
            n.emit(new Softmax(axis), n.input(0));
            return;
        }
        if (x == null) throw n.fail("softmax before opset 13 flattens from its axis, which needs the input's static shape");
        int a = Shapes.axis(axis, x.length);
        boolean trailingOnes = true;
        for (int i = a + 1; i < x.length; i++) trailingOnes &= x[i] == 1;
        if (trailingOnes) {
            n.emit(new Softmax(a), n.input(0));
            return;
        }
        String flat = n.emitHelper("flatten", new Flatten(a), n.input(0));
        String soft = n.emitHelper("softmax", new Softmax(1), flat);
        n.emit(new Reshape(x, true), soft);
    }

    static void argMax(OnnxNode n) {
        NodeAttributes a = n.attributes();
        n.emit(new ArgMax(n.toInt(a.getInt("axis", 0), "axis"), a.getInt("keepdims", 1) != 0,
                a.getInt("select_last_index", 0) != 0), n.input(0));
    }

    /** Concat; the axis is required from opset 4 on (1 before). */
    static void concat(OnnxNode n) {
        NodeAttributes a = n.attributes();
        if (n.opset() >= 4 && !a.has("axis")) throw n.fail("attribute 'axis' is required");
        int count = 0;
        while (n.has(count)) count++;
        String[] inputs = new String[count];
        for (int i = 0; i < count; i++) inputs[i] = n.input(i);
        n.emit(new Concat(n.toInt(a.getInt("axis", 1), "axis")), inputs);
    }

    static void flatten(OnnxNode n) {
        n.emit(new Flatten(n.toInt(n.attributes().getInt("axis", 1), "axis")), n.input(0));
    }
}
