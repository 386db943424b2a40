package org.cbinfer.kernels.io.tfjs;

import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Unary;

/**
 * Elementwise ops: binary arithmetic with numpy broadcasting ({@code Add}, {@code AddV2}, {@code BiasAdd},
 * {@code Sub}, {@code Mul}, {@code RealDiv}), {@code AddN}, activations and {@code Identity}. When the result is
 * rank 4 the operands broadcast in NCHW: constants are rearranged so that they pair with the same elements
 * as in NHWC (a per-channel [C] becomes [1, C, 1, 1]).
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    /** A binary op; BiasAdd is an Add of a [C] vector along the channel (last NHWC) axis, i.e. an ordinary broadcast. */
    static OpTranslator binary(Binary.Kind kind) {
        return (n, ctx) -> {
            if (n.op().equals("BiasAdd")) Windows.requireNhwc(n);
            boolean image = Math.max(ctx.rank(n.input(0)), ctx.rank(n.input(1))) == 4;
            ctx.result(n, new Binary(kind), ctx.operand(n.input(0), image), ctx.operand(n.input(1), image));
        };
    }

    /** AddN: the sum of its inputs, as a chain of additions whose last carries the node's name. */
    static void addN(TfNode n, GraphTranslator ctx) {
        boolean image = false;
        for (String in : n.inputs()) image |= ctx.rank(in) == 4;
        TfValue sum = ctx.operand(n.input(0), image);
        int last = n.inputs().size() - 1;
        if (last == 0) {
            ctx.define(n, sum);
            return;
        }
        for (int i = 1; i <= last; i++) {
            String name = i == last ? n.name() : ctx.uniqueName(n.name(), "partial" + i);
            sum = ctx.emit(name, new Binary(Binary.Kind.ADD), sum, ctx.operand(n.input(i), image));
        }
        ctx.define(n, sum);
    }

    /** Relu, Relu6, Sigmoid, Tanh, LeakyRelu. */
    static void activation(TfNode n, GraphTranslator ctx) {
        Activation a = Activations.of(n.op(), n, "alpha");
        ctx.result(n, new Unary(a), ctx.value(n.input(0)));
    }

    /** Identity: the node's name stands for its input's value. */
    static void identity(TfNode n, GraphTranslator ctx) {
        ctx.define(n, ctx.value(n.input(0)));
    }
}
