package org.cbinfer.kernels.io.tfjs;

import java.util.Arrays;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * A constant of a TFJS model as stored: its shape in TensorFlow order (NHWC, HWIO, ...) and its values,
 * float ({@code float32}, possibly dequantized) or exact integers ({@code int32}: shapes, axes, sizes).
 * Layout changes happen later, where the importer knows how a constant is used.
 */
record TfTensor(int[] shape, float[] floats, int[] ints) {
    static TfTensor ofFloats(int[] shape, float[] values) {
        return new TfTensor(shape.clone(), values, null);
    }

    static TfTensor ofInts(int[] shape, int[] values) {
        return new TfTensor(shape.clone(), null, values);
    }

    boolean isInteger() {
        return ints != null;
    }

    int rank() {
        return shape.length;
    }

    /** The values as floats (integers converted). */
    float[] values() {
        if (floats != null) return floats;
        float[] f = new float[ints.length];
        for (int i = 0; i < f.length; i++) f[i] = ints[i];
        return f;
    }

    /** The values as a tensor of the same (TensorFlow-order) shape. */
    Tensor tensor() {
        return Tensor.of(shape, values());
    }

    @Override
    public String toString() {
        return (isInteger() ? "int32" : "float32") + Arrays.toString(shape);
    }
}
