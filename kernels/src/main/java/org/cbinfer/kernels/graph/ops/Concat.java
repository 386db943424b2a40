package org.cbinfer.kernels.graph.ops;

import org.cbinfer.kernels.tensor.Shapes;

/** Concatenation along an axis (negative counts from the end). */
public record Concat(int axis) implements Op {
    @Override
    public String type() {
        return "Concat";
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public int[] outputShape(int[][] in) {
        int rank = in[0].length;
        int a = Shapes.axis(axis, rank);
        int[] out = in[0].clone();
        for (int i = 1; i < in.length; i++) {
            Op.require(in[i].length == rank, "concat inputs have ranks " + rank + " and " + in[i].length);
            for (int d = 0; d < rank; d++) {
                if (d == a) {
                    out[d] += in[i][d];
                } else {
                    Op.require(in[i][d] == out[d], "concat inputs differ outside axis " + a + ": "
                            + Shapes.str(in[0]) + " vs " + Shapes.str(in[i]));
                }
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "axis " + axis;
    }
}
