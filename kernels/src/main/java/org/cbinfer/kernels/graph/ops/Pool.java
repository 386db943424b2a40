package org.cbinfer.kernels.graph.ops;

/**
 * Max or average pooling over a window. {@code ceilMode} rounds the output size up;
 * {@code countIncludePad} makes average pooling divide by the window size including padding.
 */
public record Pool(Kind kind, Window window, boolean ceilMode, boolean countIncludePad) implements Op {
    public enum Kind { MAX, AVG }

    public Pool {
        Op.require(kind != null && window != null, "pool kind and window are required");
    }

    @Override
    public String type() {
        return kind == Kind.MAX ? "MaxPool" : "AveragePool";
    }

    @Override
    public int[] outputShape(int[][] in) {
        int[] x = in[0];
        Op.requireImage(x, type());
        return new int[] {1, x[1], window.outputLength(0, x[2], ceilMode), window.outputLength(1, x[3], ceilMode)};
    }

    @Override
    public String describe() {
        return window + (ceilMode ? " ceil" : "") + (countIncludePad ? " incl-pad" : "");
    }
}
