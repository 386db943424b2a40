package org.cbinfer.kernels.io.onnx;

import java.util.List;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.io.onnx.proto.NodeProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * One ONNX node as a converter sees it: its attributes, its inputs (as engine values, or as constant
 * parameters to fold), and the way to record what it computes. Errors name the node.
 */
final class OnnxNode {
    private final NodeProto proto;
    private final ImportContext ctx;
    private final NodeAttributes attributes;
    private final String name;

    OnnxNode(NodeProto proto, ImportContext ctx) {
        this.proto = proto;
        this.ctx = ctx;
        this.name = displayName(proto);
        this.attributes = new NodeAttributes(proto, name);
    }

    /** The node's name, or its first output's when it has none. */
    static String displayName(NodeProto proto) {
        if (!proto.getName().isEmpty()) return proto.getName();
        return proto.getOutputCount() > 0 ? proto.getOutput(0) : proto.getOpType();
    }

    String name() {
        return name;
    }

    String type() {
        return proto.getOpType();
    }

    int opset() {
        return ctx.opset();
    }

    NodeAttributes attributes() {
        return attributes;
    }

    /** Whether optional input {@code i} is given (present and not the empty name). */
    boolean has(int i) {
        return i < proto.getInputCount() && !proto.getInput(i).isEmpty();
    }

    /** Input {@code i} as an engine value (a constant becomes a graph constant). */
    String input(int i) {
        return ctx.value(onnxInput(i), name);
    }

    /** Whether input {@code i} is given and a constant. */
    boolean isConstant(int i) {
        return has(i) && ctx.constant(proto.getInput(i)) != null;
    }

    /** The static shape of input {@code i}, or null if it depends on the frame size. */
    int[] shape(int i) {
        return ctx.shape(onnxInput(i));
    }

    /** Input {@code i}, which must be a constant, as a float tensor. */
    Tensor constantTensor(int i, String what) {
        return OnnxTensors.toTensor(constantProto(i, what));
    }

    /** Input {@code i}, which must be a constant, as whole numbers. */
    long[] constantLongs(int i, String what) {
        return OnnxTensors.toLongs(constantProto(i, what));
    }

    /** Input {@code i}, which must be a constant holding one value. */
    float constantScalar(int i, String what) {
        Tensor t = constantTensor(i, what);
        if (t.size() != 1) throw fail(what + " must be a single value, got shape " + Shapes.str(t.shape()));
        return t.data()[0];
    }

    /** Whether input {@code i} is given as a constant with no values (how Resize-11 leaves out roi and scales). */
    boolean isEmptyConstant(int i) {
        TensorProto t = isConstant(i) ? ctx.constant(proto.getInput(i)) : null;
        return t != null && Shapes.size(OnnxTensors.shape(t)) == 0;
    }

    private TensorProto constantProto(int i, String what) {
        TensorProto t = ctx.constant(onnxInput(i));
        if (t == null) {
            throw fail(what + " (input " + i + ", '" + proto.getInput(i) + "') must be a constant: an initializer, "
                    + "a Constant node, or a graph input bound at import time");
        }
        return t;
    }

    private String onnxInput(int i) {
        if (!has(i)) throw fail("input " + i + " is missing");
        return proto.getInput(i);
    }

    /** Records {@code op} applied to {@code inputs} (engine values) as the node's (first) output. */
    void emit(Op op, String... inputs) {
        ctx.addNode(proto.getOutput(0), op, List.of(inputs), name);
    }

    /** Records a helper node computing part of this node's result; returns its value name. */
    String emitHelper(String role, Op op, String... inputs) {
        String helper = ctx.freshName(proto.getOutput(0) + "/" + role);
        ctx.addNode(helper, op, List.of(inputs), name);
        return helper;
    }

    /** Adds a constant computed at import for this node (a folded weight); returns its value name. */
    String helperConstant(String role, Tensor value) {
        return ctx.addTensor(ctx.freshName(proto.getOutput(0) + "/" + role), value);
    }

    /** Makes the node's output another name for its input {@code i} (for ops that only pass values on). */
    void passThrough(int i) {
        ctx.alias(proto.getOutput(0), onnxInput(i), name);
    }

    /** Makes the node's output a constant. */
    void defineConstant(TensorProto value) {
        ctx.addConstant(proto.getOutput(0), value);
    }

    /** A whole-number parameter as an int, or a failure naming it when it is out of range. */
    int toInt(long v, String what) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw fail(what + " " + v + " is out of range");
        return (int) v;
    }

    int[] toInts(long[] v, String what) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) r[i] = toInt(v[i], what);
        return r;
    }

    ModelException fail(String message) {
        return new ModelException(name, type() + ": " + message);
    }
}
