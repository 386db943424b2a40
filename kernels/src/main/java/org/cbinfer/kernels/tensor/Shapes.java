package org.cbinfer.kernels.tensor;

import java.util.Arrays;

/** Checked arithmetic on tensor shapes: no allocation is ever sized by an unchecked number. */
public final class Shapes {
    /** The largest element count a single tensor may have (a Java float[] limit with head room). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16;

    private Shapes() {}

    /** Number of elements, or an {@link IllegalArgumentException} if a dim is negative or the product overflows. */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than "
                        + MAX_ELEMENTS + " elements");
            }
        }
        return (int) n;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** True for the image-like layout the spatial ops work on: [1, C, H, W]. */
    public static boolean isImage(int[] shape) {
        return shape.length == 4 && shape[0] == 1;
    }

    /** Normalises a possibly negative axis against a rank, or fails naming both. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    /** Row-major strides of a shape. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Numpy-style broadcast of two shapes, or an exception naming both. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides for reading a tensor of shape {@code in} as if it had the (broadcast) shape {@code out}:
     * broadcast dimensions get stride 0.
     */
    public static int[] broadcastStrides(int[] in, int[] out) {
        int[] s = new int[out.length];
        int[] inStrides = strides(in);
        int off = out.length - in.length;
        for (int i = 0; i < out.length; i++) {
            if (i < off || in[i - off] == 1) {
                s[i] = 0;
            } else {
                s[i] = inStrides[i - off];
            }
        }
        return s;
    }
}
