package org.cbinfer.kernels.graph.ops;

/**
 * Spatial padding of a window op: explicit (possibly asymmetric) amounts, or one of the automatic
 * rules resolved against the input size ({@code SAME_UPPER} = TensorFlow's SAME, extra padding at the end).
 */
public record Padding(Mode mode, int top, int left, int bottom, int right) {
    public enum Mode { EXPLICIT, SAME_UPPER, SAME_LOWER, VALID }

    public static final Padding VALID = new Padding(Mode.VALID, 0, 0, 0, 0);
    public static final Padding SAME = new Padding(Mode.SAME_UPPER, 0, 0, 0, 0);

    public Padding {
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
            throw new IllegalArgumentException("negative padding " + top + "," + left + "," + bottom + "," + right);
        }
    }

    public static Padding explicit(int top, int left, int bottom, int right) {
        return new Padding(Mode.EXPLICIT, top, left, bottom, right);
    }

    public static Padding symmetric(int ph, int pw) {
        return explicit(ph, pw, ph, pw);
    }

    /** Padding before and after along one axis for a forward window (convolution, pooling). */
    public int[] resolve(int axis, int in, int kernel, int stride, int dilation) {
        int effective = (kernel - 1) * dilation + 1;
        switch (mode) {
            case EXPLICIT: return axis == 0 ? new int[] {top, bottom} : new int[] {left, right};
            case VALID: return new int[] {0, 0};
            default: {
                int out = (in + stride - 1) / stride;
                int total = Math.max((out - 1) * stride + effective - in, 0);
                int small = total / 2;
                return mode == Mode.SAME_UPPER ? new int[] {small, total - small} : new int[] {total - small, small};
            }
        }
    }

    @Override
    public String toString() {
        return mode == Mode.EXPLICIT ? "pad[" + top + "," + left + "," + bottom + "," + right + "]" : mode.name();
    }
}
