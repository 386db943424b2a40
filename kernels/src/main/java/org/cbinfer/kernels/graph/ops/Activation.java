package org.cbinfer.kernels.graph.ops;

/**
 * A scalar activation, used standalone ({@link Unary}) or fused into a convolution's output.
 * {@code alpha}/{@code beta} are the kind's parameters (clip bounds, leaky slope, hard-sigmoid line).
 */
public record Activation(Kind kind, float alpha, float beta) {
    public enum Kind { IDENTITY, RELU, CLIP, LEAKY_RELU, SIGMOID, HARD_SIGMOID, TANH }

    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0, 0);
    public static final Activation RELU = new Activation(Kind.RELU, 0, 0);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0, 0);
    public static final Activation TANH = new Activation(Kind.TANH, 0, 0);

    public static Activation clip(float min, float max) {
        return new Activation(Kind.CLIP, min, max);
    }

    public static Activation relu6() {
        return clip(0f, 6f);
    }

    public static Activation leakyRelu(float alpha) {
        return new Activation(Kind.LEAKY_RELU, alpha, 0);
    }

    public static Activation hardSigmoid(float alpha, float beta) {
        return new Activation(Kind.HARD_SIGMOID, alpha, beta);
    }

    public float apply(float x) {
        switch (kind) {
            case IDENTITY: return x;
            case RELU: return x > 0f ? x : (x == x ? 0f : x);
            case CLIP: return x != x ? x : Math.min(Math.max(x, alpha), beta);
            case LEAKY_RELU: return x >= 0f ? x : alpha * x;
            case SIGMOID: return (float) (1.0 / (1.0 + Math.exp(-x)));
            case HARD_SIGMOID: return Math.max(0f, Math.min(1f, alpha * x + beta));
            case TANH: return (float) Math.tanh(x);
            default: throw new AssertionError(kind);
        }
    }

    /** Applies in place to {@code n} values starting at {@code off}. */
    public void applyInPlace(float[] v, int off, int n) {
        if (kind == Kind.IDENTITY) {
            return;
        }
        for (int i = off, end = off + n; i < end; i++) {
            v[i] = apply(v[i]);
        }
    }

    /** A bound on |f(a) - f(b)| / |a - b|: how much the activation can amplify an error. */
    public float lipschitz() {
        switch (kind) {
            case SIGMOID: return 0.25f;
            case HARD_SIGMOID: return Math.abs(alpha);
            case LEAKY_RELU: return Math.max(1f, Math.abs(alpha));
            default: return 1f;
        }
    }

    public boolean isIdentity() {
        return kind == Kind.IDENTITY;
    }

    @Override
    public String toString() {
        switch (kind) {
            case CLIP: return "Clip(" + alpha + "," + beta + ")";
            case LEAKY_RELU: return "LeakyRelu(" + alpha + ")";
            case HARD_SIGMOID: return "HardSigmoid(" + alpha + "," + beta + ")";
            default: return kind.name().charAt(0) + kind.name().substring(1).toLowerCase();
        }
    }
}
