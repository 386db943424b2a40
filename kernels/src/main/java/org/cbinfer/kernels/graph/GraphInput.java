package org.cbinfer.kernels.graph;

import java.util.Arrays;

/** A graph input: its name and shape, where -1 marks a dimension fixed only when a frame arrives. */
public record GraphInput(String name, int[] shape) {
    public GraphInput {
        shape = shape.clone();
    }

    /** Whether a concrete shape fits this input. */
    public boolean accepts(int[] actual) {
        if (actual.length != shape.length) return false;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0 && shape[i] != actual[i]) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
