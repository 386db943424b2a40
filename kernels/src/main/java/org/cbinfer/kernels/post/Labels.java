package org.cbinfer.kernels.post;

/**
 * One frame's label map of one output: {@code height x width} labels in row-major order, one unsigned byte each, in
 * {@code 0 .. classes-1} (see {@link LabelRule}). What a backend returns for an output asked as labels: one byte a pixel, which is
 * what the GPU backend downloads instead of the class scores (4 bytes a class a pixel).
 *
 * <p>The array is the record's own, not copied (a frame's labels are large and made once): do not modify it.
 * Equality compares the labels.
 */
public record Labels(int classes, int height, int width, byte[] values) {
    /** Most classes a byte label holds. */
    public static final int MAX_CLASSES = 256;

    public Labels {
        if (classes < 1 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in 1.." + MAX_CLASSES + ", got " + classes);
        }
        if (height < 1 || width < 1 || (long) height * width != values.length) {
            throw new IllegalArgumentException(height + "x" + width + " labels need " + (long) height * width
                    + " values, got " + values.length);
        }
    }

    /** The label at column x of row y. */
    public int label(int x, int y) {
        if (x < 0 || x >= width || y < 0 || y >= height) {
            throw new IndexOutOfBoundsException("(" + x + ", " + y + ") outside " + width + "x" + height);
        }
        return values[y * width + x] & 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && l.classes == classes && l.height == height && l.width == width
                && java.util.Arrays.equals(l.values, values);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(values) * 31 + classes;
    }

    @Override
    public String toString() {
        return "Labels[" + classes + " classes, " + width + "x" + height + "]";
    }
}
