package org.cbinfer.kernels.io.onnx;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The state of one import: which engine value each ONNX value name stands for, the constant values
 * (kept as ONNX tensors until a node needs them, so integer shapes and pads can be folded into op
 * parameters), the static shapes known so far, and the graph being built.
 *
 * <p>A node's output value is named after its ONNX output, so graph outputs keep their ONNX names.
 * Values that need no node of their own ({@code Identity}, {@code Dropout}) are aliases.
 */
final class ImportContext {
    private final Graph.Builder builder = Graph.builder();
    private final int opset;
    private final Map<String, String> valueOf = new HashMap<>();
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Map<String, int[]> shapes = new HashMap<>();
    private final Set<String> taken;

    /**
     * @param opset the model's version of the default ONNX operator set
     * @param onnxNames every value name the model uses, so that names made up for helper nodes never clash
     */
    ImportContext(int opset, Set<String> onnxNames) {
        this.opset = opset;
        this.taken = new HashSet<>(onnxNames);
    }

    int opset() {
        return opset;
    }

    /** A graph input; -1 marks a dimension known only when a frame arrives. */
    void addInput(String name, int[] shape) {
        builder.input(name, shape);
        valueOf.put(name, name);
        boolean known = true;
        for (int d : shape) known &= d >= 0;
        if (known) shapes.put(name, shape.clone());
    }

    void addConstant(String name, TensorProto value) {
        constants.put(name, value);
    }

    /** Adds a float constant under an engine value name (one from {@link #freshName}); returns the name. */
    String addTensor(String name, Tensor value) {
        builder.constant(name, value);
        valueOf.put(name, name);
        shapes.put(name, value.shape());
        return name;
    }

    /** The constant value of an ONNX value, or null if it is computed at run time. */
    TensorProto constant(String name) {
        return constants.get(name);
    }

    /**
     * The engine value an ONNX value stands for. A constant becomes a float graph constant the first time
     * a node reads it as data.
     */
    String value(String name, String readingNode) {
        String v = valueOf.get(name);
        if (v != null) return v;
        TensorProto c = constants.get(name);
        if (c == null) {
            throw new ModelException(readingNode, "input '" + name + "' is not defined (or is an output the importer does not produce)");
        }
        builder.constant(name, OnnxTensors.toTensor(c));
        valueOf.put(name, name);
        shapes.put(name, OnnxTensors.shape(c));
        return name;
    }

    /** The static shape of an ONNX value, or null when it depends on the input frame size. */
    int[] shape(String name) {
        TensorProto c = constants.get(name);
        if (c != null) return OnnxTensors.shape(c);
        String v = valueOf.get(name);
        int[] s = v == null ? null : shapes.get(v);
        return s == null ? null : s.clone();
    }

    /** Makes {@code name} another name for {@code target} (both ONNX names); constants stay constants. */
    void alias(String name, String target, String readingNode) {
        TensorProto c = constants.get(target);
        if (c != null) {
            constants.put(name, c);
        } else {
            valueOf.put(name, value(target, readingNode));
        }
    }

    /** A name for a helper node, derived from {@code base} and unused by the model and the graph. */
    String freshName(String base) {
        String n = base;
        for (int i = 2; taken.contains(n); i++) n = base + "_" + i;
        taken.add(n);
        return n;
    }

    /**
     * Adds a node whose output value is {@code name} (the ONNX value it defines) and checks its shapes
     * where they are known.
     *
     * @param inputs engine value names, as {@link #value} returns them
     */
    void addNode(String name, Op op, List<String> inputs, String nodeForErrors) {
        builder.node(name, op, inputs);
        valueOf.put(name, name);
        taken.add(name);
        int[][] in = new int[inputs.size()][];
        for (int i = 0; i < in.length; i++) {
            in[i] = shapes.get(inputs.get(i));
            if (in[i] == null) return;
        }
        try {
            int[] out = op.outputShape(in);
            Shapes.size(out);
            shapes.put(name, out);
        } catch (IllegalArgumentException e) {
            StringBuilder s = new StringBuilder();
            for (int[] x : in) s.append(Shapes.str(x));
            throw new ModelException(nodeForErrors, op.type() + " on " + s + ": " + e.getMessage(), e);
        }
    }

    /**
     * Finishes the graph. Each ONNX graph output keeps its name: one that is an alias of another value
     * (the output of an {@code Identity}) gets an identity node of that name.
     */
    Graph build(List<String> outputs) {
        for (String o : outputs) {
            String v = value(o, o);
            if (!v.equals(o)) addNode(o, new Unary(Activation.IDENTITY), List.of(v), o);
            builder.output(o);
        }
        return builder.build();
    }
}
