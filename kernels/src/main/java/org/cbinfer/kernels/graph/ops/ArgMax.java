package org.cbinfer.kernels.graph.ops;

import org.cbinfer.kernels.tensor.Shapes;

/** Index of the maximum along an axis (as float values); the first maximum unless {@code selectLastIndex}. */
public record ArgMax(int axis, boolean keepDims, boolean selectLastIndex) implements Op {
    @Override
    public String type() {
        return "ArgMax";
    }

    @Override
    public int[] outputShape(int[][] in) {
        int[] x = in[0];
        int a = Shapes.axis(axis, x.length);
        Op.require(x[a] > 0, "argmax over an empty axis");
        if (keepDims) {
            int[] out = x.clone();
            out[a] = 1;
            return out;
        }
        int[] out = new int[x.length - 1];
        for (int i = 0, j = 0; i < x.length; i++) {
            if (i != a) out[j++] = x[i];
        }
        return out;
    }

    @Override
    public String describe() {
        return "axis " + axis + (keepDims ? " keepdims" : "");
    }
}
