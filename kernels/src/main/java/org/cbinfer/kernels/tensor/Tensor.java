package org.cbinfer.kernels.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order (NCHW for images). The engine works on these;
 * importers produce them for weights, and callers pass them as inputs.
 *
 * <p>The array is shared, not copied: a tensor handed to the engine must not be modified while it runs.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** Wraps {@code data}; its length must match the shape. */
    public static Tensor of(int[] shape, float[] data) {
        int[] s = shape.clone();
        int n = Shapes.size(s);
        if (data.length != n) {
            throw new IllegalArgumentException("shape " + Shapes.str(s) + " needs " + n + " values, got " + data.length);
        }
        return new Tensor(s, data);
    }

    public static Tensor zeros(int... shape) {
        int[] s = shape.clone();
        return new Tensor(s, new float[Shapes.size(s)]);
    }

    public static Tensor scalar(float v) {
        return new Tensor(new int[0], new float[] {v});
    }

    public int[] shape() {
        return shape.clone();
    }

    /** The shape array itself, for hot paths that promise not to modify it. */
    public int[] shapeRef() {
        return shape;
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public int size() {
        return data.length;
    }

    public float[] data() {
        return data;
    }

    public Tensor reshape(int... newShape) {
        return of(newShape, data);
    }

    public Tensor copy() {
        return new Tensor(shape.clone(), data.clone());
    }

    /** Index of the first NaN or infinite value, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
