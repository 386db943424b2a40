package org.cbinfer.kernels.cpu;

/**
 * A node's computation on the CPU for fixed input shapes. Every kernel can compute its whole output;
 * kernels whose output is an image ([1, C, H, W]) and whose {@link #rule()} is not {@link Rule#DENSE}
 * can also compute just a list of output positions (y * W + x), all channels of each. The dense pass
 * is the same code with every position, which keeps the change-based pass exact by construction.
 */
public abstract class Kernel {
    /** How changes flow through the node in a change-based pass. */
    public enum Rule {
        /** Change-based convolution: detects changes in its input against the committed input (threshold). */
        DETECT,
        /** A window op: an output position changes if its receptive field holds a changed input position. */
        WINDOW,
        /** Per-position op: an output position changes if that position changed in any input. */
        POINTWISE,
        /** No change-based form: computed whole when any input changed, changes found by comparison. */
        DENSE
    }

    public abstract Rule rule();

    /**
     * Computes output values at positions {@code pos[0..count)} of the output image, or everything
     * when {@code pos} is null.
     */
    public abstract void compute(float[][] inputs, float[] out, int[] pos, int count);

    /**
     * For {@link Rule#DETECT} and {@link Rule#WINDOW}: marks in {@code outMask} the output positions whose
     * receptive field contains a position marked in {@code inMask}; returns how many.
     */
    public int dilate(byte[] inMask, byte[] outMask) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no receptive field");
    }

    /** Multiply-accumulates to compute one output position (all channels); 0 if not worth counting. */
    public long macsPerPosition() {
        return 0;
    }
}
