package org.cbinfer.kernels.io.tfjs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.graph.ops.Reshape;
import org.cbinfer.kernels.graph.ops.Transpose;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Builds an NCHW {@link Graph} from a TensorFlow GraphDef, node by node in dependency order, keeping every
 * TensorFlow name as the name of the value that stands for it. It is also the context the
 * {@link OpTranslator}s work in: it resolves inputs to values or constants, converts between layouts
 * (every rank-4 value is NCHW, other ranks keep TensorFlow's order), tracks shapes at the nominal input
 * size, and decides whether the graph input keeps a fixed size.
 */
final class GraphTranslator {
    /** Spatial size assumed for tracking shapes when a placeholder leaves its height or width open. */
    private static final int PROBE_SIZE = 512;

    private final Map<String, TfNode> nodes = new LinkedHashMap<>();
    private final Map<String, TfTensor> weights;
    private final Graph.Builder graph = Graph.builder();
    /** TensorFlow node name -> the value standing for its output. */
    private final Map<String, TfValue> values = new HashMap<>();
    /** Constants and converted values already materialised, by TensorFlow name and layout. */
    private final Map<String, TfValue> operands = new HashMap<>();
    /** Names of the TensorFlow nodes, reserved for the values standing for them. */
    private final Set<String> reserved;
    /** Graph names in use. */
    private final Set<String> names = new HashSet<>();
    /** Placeholders: TensorFlow name -> declared NHWC shape (-1 where open). */
    private final Map<String, int[]> placeholders = new LinkedHashMap<>();
    private boolean fixedInputSize;

    private GraphTranslator(List<TfNode> nodeList, Map<String, TfTensor> weights) {
        for (TfNode n : nodeList) {
            if (nodes.put(n.name(), n) != null) throw new ModelException(n.name(), "two GraphDef nodes have this name");
        }
        this.weights = weights;
        this.reserved = Set.copyOf(nodes.keySet());
    }

    /** Translates the model. The graph input is [1, C, H, W], with H and W -1 unless some op needs the nominal size. */
    static Graph translate(TfjsModel model, Map<String, TfTensor> weights) {
        return new GraphTranslator(model.nodes(), weights).run(model.signatureOutputs());
    }

    private Graph run(List<String> signatureOutputs) {
        List<String> outputs = signatureOutputs.isEmpty() ? unconsumedNodes() : signatureOutputs;
        for (TfNode n : dependencyOrder(outputs)) translateNode(n);
        for (Map.Entry<String, int[]> p : placeholders.entrySet()) {
            int[] nchw = Layouts.permute(p.getValue(), Layouts.NHWC_TO_NCHW);
            nchw[0] = 1;
            if (!fixedInputSize) nchw[2] = nchw[3] = -1;
            graph.input(p.getKey(), nchw);
        }
        for (String out : outputs) {
            TfValue v = value(out);
            if (!v.name().equals(out)) emit(out, new Unary(Activation.IDENTITY), v); // an alias (Identity) or a constant
            graph.output(out);
        }
        return graph.build();
    }

    private void translateNode(TfNode n) {
        try {
            switch (n.op()) {
                case "Const":
                    if (!weights.containsKey(n.name())) {
                        throw new ModelException(n.name(), "Const has no entry in the weights manifest");
                    }
                    return;
                case "Placeholder":
                    placeholder(n);
                    return;
                default:
                    OpTranslator t = TfjsOps.translator(n.op());
                    if (t == null) {
                        throw new ModelException(n.name(), "unsupported op '" + n.op() + "'; supported ops: "
                                + String.join(", ", TfjsOps.supported()));
                    }
                    t.translate(n, this);
            }
        } catch (IllegalArgumentException e) {
            throw new ModelException(n.name(), n.op() + ": " + e.getMessage(), e);
        }
        if (!values.containsKey(n.name())) throw new IllegalStateException(n.op() + " translator left " + n.name() + " undefined");
    }

    private void placeholder(TfNode n) {
        int[] shape = n.shape("shape");
        if (shape == null || shape.length != 4 || shape[3] <= 0 || shape[0] > 1) {
            throw new ModelException(n.name(), "only image inputs [1, H, W, C] with known C are supported, declared "
                    + (shape == null ? "unknown rank" : Arrays.toString(shape)));
        }
        placeholders.put(n.name(), shape.clone());
        int[] nominal = {1, shape[1] > 0 ? shape[1] : PROBE_SIZE, shape[2] > 0 ? shape[2] : PROBE_SIZE, shape[3]};
        values.put(n.name(), new TfValue(n.name(), Layouts.permute(nominal, Layouts.NHWC_TO_NCHW)));
    }

    // ---- what translators use ----

    /** Records that the graph relies on the model's nominal input size ({@code why} says where). */
    void requireFixedInputSize(String node, String why) {
        for (Map.Entry<String, int[]> p : placeholders.entrySet()) {
            if (p.getValue()[1] <= 0 || p.getValue()[2] <= 0) {
                throw new ModelException(node, why + " needs a fixed input size, but input '" + p.getKey()
                        + "' declares " + Arrays.toString(p.getValue()));
            }
        }
        fixedInputSize = true;
    }

    boolean isConstant(String tfName) {
        TfNode n = nodes.get(tfName);
        return n != null && n.op().equals("Const") && weights.containsKey(tfName);
    }

    /** Input {@code index} of {@code node}, which must be a constant. */
    TfTensor constant(TfNode node, int index) {
        String in = node.input(index);
        if (!isConstant(in)) {
            throw new ModelException(node.name(), node.op() + " input " + index + " ('" + in + "') must be a constant");
        }
        return weights.get(in);
    }

    /** The rank of a TensorFlow value (a constant's or a translated node's). */
    int rank(String tfName) {
        return isConstant(tfName) ? weights.get(tfName).rank() : value(tfName).rank();
    }

    /** The value for a TensorFlow name in its natural layout (NCHW if rank 4). */
    TfValue value(String tfName) {
        if (isConstant(tfName)) return operand(tfName, weights.get(tfName).rank() == 4);
        TfValue v = values.get(tfName);
        if (v == null) throw new IllegalStateException("'" + tfName + "' used before it was translated");
        return v;
    }

    /**
     * A TensorFlow value as an operand of an op that works in NCHW ({@code image}, broadcasting as rank 4)
     * or in TensorFlow's order (otherwise). Constants are converted in place; values get a layout change
     * node when needed (shared by all readers).
     */
    TfValue operand(String tfName, boolean image) {
        String key = tfName + (image ? "#nchw" : "#tf");
        TfValue done = operands.get(key);
        if (done != null) return done;
        TfValue v;
        if (isConstant(tfName)) {
            TfTensor c = weights.get(tfName);
            Tensor t = image ? Layouts.imageConstant(c) : c.tensor();
            String name = names.add(tfName) ? tfName : uniqueName(tfName, image ? "nchw" : "tf");
            graph.constant(name, t);
            v = new TfValue(name, t.shape());
        } else {
            TfValue x = value(tfName);
            if (image && x.rank() < 4) {
                v = toImage(uniqueName(tfName, "nchw"), x, Layouts.padToRank4(x.shape()));
            } else if (!image && x.rank() == 4) {
                v = toTfOrder(uniqueName(tfName, "nhwc"), x);
            } else {
                v = x;
            }
        }
        operands.put(key, v);
        return v;
    }

    /** Adds a node and returns its value; the op's shape check failing is a {@link ModelException} naming it. */
    TfValue emit(String name, Op op, TfValue... inputs) {
        int[][] shapes = new int[inputs.length][];
        List<String> in = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            shapes[i] = inputs[i].shape();
            in.add(inputs[i].name());
        }
        int[] out;
        try {
            out = op.outputShape(shapes);
            Shapes.size(out);
        } catch (IllegalArgumentException e) {
            StringBuilder s = new StringBuilder();
            for (int[] x : shapes) s.append(Shapes.str(x));
            throw new ModelException(name, op.type() + " on " + s + ": " + e.getMessage(), e);
        }
        names.add(name);
        graph.node(name, op, in);
        return new TfValue(name, out);
    }

    /** Adds the node that computes {@code node}'s output, under its TensorFlow name. */
    void result(TfNode node, Op op, TfValue... inputs) {
        define(node, emit(node.name(), op, inputs));
    }

    /** Makes {@code v} the value of {@code node} (for nodes that translate to an existing value, e.g. Identity). */
    void define(TfNode node, TfValue v) {
        values.put(node.name(), v);
    }

    /** A graph name for a helper node or constant of {@code tfName}: {@code tfName/suffix}, made unique. */
    String uniqueName(String tfName, String suffix) {
        String base = tfName + "/" + suffix;
        String name = base;
        for (int k = 1; names.contains(name) || reserved.contains(name); k++) name = base + "_" + k;
        names.add(name);
        return name;
    }

    /**
     * A value whose values are in TensorFlow order ({@code flat}: any shape, same element count) as the NCHW
     * value of the NHWC shape {@code nhwc}, named {@code name}: a reshape when the layouts agree on the
     * order of values, else a reshape to NHWC and a transpose.
     */
    TfValue toImage(String name, TfValue flat, int[] nhwc) {
        requireFixedInputSize(name, "a layout change between NHWC and NCHW");
        if (Layouts.orderInvariant(nhwc)) {
            return emit(name, new Reshape(Layouts.permute(nhwc, Layouts.NHWC_TO_NCHW), true), flat);
        }
        TfValue n = Arrays.equals(flat.shape(), nhwc) ? flat : emit(uniqueName(name, "nhwc"), new Reshape(nhwc, true), flat);
        return emit(name, new Transpose(Layouts.NHWC_TO_NCHW), n);
    }

    /** An NCHW value as the NHWC value TensorFlow has, named {@code name}. */
    TfValue toTfOrder(String name, TfValue image) {
        requireFixedInputSize(name, "a layout change between NHWC and NCHW");
        int[] nhwc = Layouts.permute(image.shape(), Layouts.NCHW_TO_NHWC);
        return emit(name, Layouts.orderInvariant(nhwc) ? new Reshape(nhwc, true) : new Transpose(Layouts.NCHW_TO_NHWC), image);
    }

    // ---- graph structure ----

    private List<String> unconsumedNodes() {
        Set<String> consumed = new HashSet<>();
        for (TfNode n : nodes.values()) consumed.addAll(n.inputs());
        List<String> out = new ArrayList<>();
        for (TfNode n : nodes.values()) {
            if (!consumed.contains(n.name()) && !n.op().equals("Const") && !n.op().equals("Placeholder")) out.add(n.name());
        }
        if (out.isEmpty()) throw new ModelException(null, "model has no outputs (no signature, and every node is consumed)");
        return out;
    }

    /** The placeholders and every node the outputs depend on, each after its inputs. */
    private List<TfNode> dependencyOrder(List<String> outputs) {
        Set<String> needed = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        for (String o : outputs) {
            if (!nodes.containsKey(o)) throw new ModelException(o, "model output is not a node of the graph");
            todo.add(o);
        }
        for (TfNode n : nodes.values()) if (n.op().equals("Placeholder")) todo.add(n.name());
        while (!todo.isEmpty()) {
            TfNode n = nodes.get(todo.poll());
            if (!needed.add(n.name())) continue;
            for (String in : n.inputs()) {
                if (!nodes.containsKey(in)) throw new ModelException(n.name(), "input '" + in + "' is not a node of the graph");
                if (!needed.contains(in)) todo.add(in);
            }
        }
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<TfNode>> readers = new HashMap<>();
        ArrayDeque<TfNode> ready = new ArrayDeque<>();
        for (TfNode n : nodes.values()) {
            if (!needed.contains(n.name())) continue;
            Set<String> distinct = new HashSet<>(n.inputs());
            pending.put(n.name(), distinct.size());
            for (String in : distinct) readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            if (distinct.isEmpty()) ready.add(n);
        }
        List<TfNode> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            TfNode n = ready.poll();
            order.add(n);
            for (TfNode r : readers.getOrDefault(n.name(), List.of())) {
                if (pending.merge(r.name(), -1, Integer::sum) == 0) ready.add(r);
            }
        }
        if (order.size() != pending.size()) {
            String stuck = pending.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).findFirst().orElse(null);
            throw new ModelException(stuck, "graph has a cycle");
        }
        return order;
    }
}
