package org.cbinfer.kernels.graph.ops;

import org.cbinfer.kernels.tensor.Shapes;

/** Softmax along one axis. */
public record Softmax(int axis) implements Op {
    @Override
    public String type() {
        return "Softmax";
    }

    @Override
    public int[] outputShape(int[][] in) {
        Shapes.axis(axis, in[0].length);
        return in[0].clone();
    }

    @Override
    public String describe() {
        return "axis " + axis;
    }
}
