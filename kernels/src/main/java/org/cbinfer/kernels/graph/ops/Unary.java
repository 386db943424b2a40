package org.cbinfer.kernels.graph.ops;

/** An elementwise activation on its own (when it cannot be fused into a convolution). */
public record Unary(Activation activation) implements Op {
    @Override
    public String type() {
        return activation.kind() == Activation.Kind.CLIP ? "Clip" : activation.toString().replaceAll("\\(.*", "");
    }

    @Override
    public int[] outputShape(int[][] in) {
        return in[0].clone();
    }

    @Override
    public String describe() {
        return activation.toString();
    }
}
