package org.cbinfer.kernels.io.tfjs;

import org.cbinfer.kernels.tensor.Shapes;

/**
 * A value of the graph being built that stands for a TensorFlow tensor: the graph value's name and its shape
 * in the engine's layout (NCHW when rank 4) at the model's nominal input size.
 */
record TfValue(String name, int[] shape) {
    int rank() {
        return shape.length;
    }

    @Override
    public String toString() {
        return name + Shapes.str(shape);
    }
}
