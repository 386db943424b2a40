package org.cbinfer.kernels.graph.ops;

import org.cbinfer.kernels.tensor.Shapes;

/**
 * Elementwise binary op with numpy broadcasting (e.g. a [1, C, 1, 1] scale against [1, C, H, W]).
 * {@code PRELU} computes {@code x >= 0 ? x : slope * x} with the slope as second operand.
 */
public record Binary(Kind kind) implements Op {
    public enum Kind { ADD, SUB, MUL, DIV, PRELU }

    public float apply(float a, float b) {
        switch (kind) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case PRELU: return a >= 0f ? a : a * b;
            default: throw new AssertionError(kind);
        }
    }

    @Override
    public String type() {
        return kind == Kind.PRELU ? "PRelu" : kind.name().charAt(0) + kind.name().substring(1).toLowerCase();
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return 2;
    }

    @Override
    public int[] outputShape(int[][] in) {
        return Shapes.broadcast(in[0], in[1]);
    }
}
