package org.cbinfer.kernels.cb;

/**
 * How a change-based layer computes one frame of one stream (see {@link DenseFallback}).
 *
 * <p>{@link #DENSE} and {@link #REKEY} produce the same output (the layer applied to its whole current input);
 * they differ in the committed input: a dense frame leaves it as it was (logically the committed input is the
 * current input, which the layer reads anyway), a re-keying frame stores the current input in it, so that the
 * next, change-based frame can compare against it.
 */
public enum LayerMode {
    /** Detect changes against the committed input, commit them and recompute the affected outputs. */
    CHANGE_BASED,
    /** Commit the whole current input and recompute every output (a keyframe of this layer alone). */
    REKEY,
    /** Recompute every output from the current input; no detection, nothing committed. */
    DENSE;

    private static final LayerMode[] BY_CODE = values();

    /** The mode a one-byte state code stands for (snapshots store {@link #ordinal()}). */
    public static LayerMode of(int code) {
        if (code < 0 || code >= BY_CODE.length) throw new IllegalArgumentException("unknown layer mode code " + code);
        return BY_CODE[code];
    }

    /** True when the frame recomputes every output of the layer. */
    public boolean whole() {
        return this != CHANGE_BASED;
    }
}
