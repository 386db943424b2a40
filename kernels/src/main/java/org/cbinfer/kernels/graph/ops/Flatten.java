package org.cbinfer.kernels.graph.ops;

import org.cbinfer.kernels.tensor.Shapes;

/** Flattens to 2-D: dims before {@code axis} become rows, the rest columns (ONNX Flatten). */
public record Flatten(int axis) implements Op {
    @Override
    public String type() {
        return "Flatten";
    }

    @Override
    public int[] outputShape(int[][] in) {
        int[] x = in[0];
        int a = axis < 0 ? axis + x.length : axis;
        Op.require(a >= 0 && a <= x.length, "flatten axis " + axis + " out of range for rank " + x.length);
        long rows = 1;
        for (int i = 0; i < a; i++) rows *= x[i];
        return new int[] {(int) rows, Shapes.size(x) / (int) Math.max(rows, 1)};
    }
}
