package org.cbinfer.kernels.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * A validated network: inputs, constant tensors, nodes in topological order, and outputs.
 * Build one with {@link #builder()}; importers (TFJS, ONNX) do. Immutable once built.
 */
public final class Graph {
    private final List<GraphInput> inputs;
    private final Map<String, Tensor> constants;
    private final List<Node> nodes;
    private final List<String> outputs;
    private final Map<String, Node> byName;

    private Graph(List<GraphInput> inputs, Map<String, Tensor> constants, List<Node> nodes, List<String> outputs) {
        this.inputs = List.copyOf(inputs);
        this.constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
        Map<String, Node> m = new HashMap<>();
        for (Node n : nodes) m.put(n.name(), n);
        this.byName = m;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<GraphInput> inputs() {
        return inputs;
    }

    public Map<String, Tensor> constants() {
        return constants;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<String> outputs() {
        return outputs;
    }

    public Node node(String name) {
        return byName.get(name);
    }

    /** Nodes (by name) that read each value. */
    public Map<String, List<Node>> consumers() {
        Map<String, List<Node>> m = new HashMap<>();
        for (Node n : nodes) {
            for (String in : n.inputs()) m.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
        return m;
    }

    /**
     * Shapes of every value for concrete input shapes.
     *
     * @throws ModelException naming the input or node whose shapes do not fit
     */
    public Map<String, int[]> inferShapes(Map<String, int[]> inputShapes) {
        Map<String, int[]> shapes = new HashMap<>();
        for (GraphInput in : inputs) {
            int[] s = inputShapes.get(in.name());
            if (s == null) throw new ModelException(in.name(), "no shape given for graph input");
            if (!in.accepts(s)) {
                throw new ModelException(in.name(), "input shape " + Shapes.str(s) + " does not fit " + Shapes.str(in.shape()));
            }
            try {
                Shapes.size(s);
            } catch (IllegalArgumentException e) {
                throw new ModelException(in.name(), e.getMessage());
            }
            shapes.put(in.name(), s.clone());
        }
        constants.forEach((k, v) -> shapes.put(k, v.shape()));
        for (Node n : nodes) {
            int[][] ins = new int[n.inputs().size()][];
            for (int i = 0; i < ins.length; i++) ins[i] = shapes.get(n.inputs().get(i));
            try {
                int[] out = n.op().outputShape(ins);
                Shapes.size(out);
                shapes.put(n.name(), out);
            } catch (IllegalArgumentException e) {
                StringBuilder s = new StringBuilder();
                for (int[] x : ins) s.append(Shapes.str(x));
                throw new ModelException(n.name(), n.op().type() + " on " + s + ": " + e.getMessage(), e);
            }
        }
        return shapes;
    }

    /** Shapes for a single-input graph. */
    public Map<String, int[]> inferShapes(int[] inputShape) {
        if (inputs.size() != 1) throw new ModelException(null, "graph has " + inputs.size() + " inputs, not one");
        return inferShapes(Map.of(inputs.get(0).name(), inputShape));
    }

    /** Collects inputs, constants and nodes, then validates and orders them. */
    public static final class Builder {
        private final List<GraphInput> inputs = new ArrayList<>();
        private final Map<String, Tensor> constants = new LinkedHashMap<>();
        private final List<Node> nodes = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();

        public Builder input(String name, int... shape) {
            inputs.add(new GraphInput(name, shape));
            return this;
        }

        public Builder constant(String name, Tensor value) {
            constants.put(name, value);
            return this;
        }

        public Builder node(String name, Op op, String... inputs) {
            return node(name, op, List.of(inputs));
        }

        public Builder node(String name, Op op, List<String> inputs) {
            nodes.add(new Node(name, op, inputs));
            return this;
        }

        public Builder output(String name) {
            outputs.add(name);
            return this;
        }

        public boolean hasValue(String name) {
            return constants.containsKey(name) || inputs.stream().anyMatch(i -> i.name().equals(name))
                    || nodes.stream().anyMatch(n -> n.name().equals(name));
        }

        /**
         * Validates names, references and arities and sorts the nodes topologically.
         *
         * @throws ModelException naming the node that is wrong
         */
        public Graph build() {
            Set<String> defined = new HashSet<>();
            for (GraphInput in : inputs) {
                if (!defined.add(in.name())) throw new ModelException(in.name(), "duplicate value name");
            }
            for (String c : constants.keySet()) {
                if (!defined.add(c)) throw new ModelException(c, "duplicate value name");
            }
            Map<String, Node> byName = new HashMap<>();
            for (Node n : nodes) {
                if (n.op() == null) throw new ModelException(n.name(), "node has no op");
                if (!defined.add(n.name())) throw new ModelException(n.name(), "duplicate value name");
                byName.put(n.name(), n);
                int k = n.inputs().size();
                if (k < n.op().minInputs() || k > n.op().maxInputs()) {
                    throw new ModelException(n.name(), n.op().type() + " takes " + n.op().minInputs()
                            + (n.op().maxInputs() == n.op().minInputs() ? "" : ".." + (n.op().maxInputs() == Integer.MAX_VALUE ? "n" : n.op().maxInputs()))
                            + " inputs, got " + k);
                }
            }
            for (Node n : nodes) {
                for (String in : n.inputs()) {
                    if (!defined.contains(in)) throw new ModelException(n.name(), "input '" + in + "' is not defined");
                }
            }
            if (outputs.isEmpty()) throw new ModelException(null, "graph has no outputs");
            for (String o : outputs) {
                if (!defined.contains(o)) throw new ModelException(o, "graph output is not defined");
            }
            return new Graph(inputs, constants, topologicalOrder(byName), outputs);
        }

        private List<Node> topologicalOrder(Map<String, Node> byName) {
            Map<String, Integer> pending = new HashMap<>();
            Map<String, List<Node>> readers = new HashMap<>();
            ArrayDeque<Node> ready = new ArrayDeque<>();
            for (Node n : nodes) {
                int deps = 0;
                for (String in : n.inputs()) {
                    if (byName.containsKey(in)) {
                        deps++;
                        readers.computeIfAbsent(in, x -> new ArrayList<>()).add(n);
                    }
                }
                pending.put(n.name(), deps);
                if (deps == 0) ready.add(n);
            }
            List<Node> order = new ArrayList<>();
            while (!ready.isEmpty()) {
                Node n = ready.poll();
                order.add(n);
                for (Node r : readers.getOrDefault(n.name(), List.of())) {
                    if (pending.merge(r.name(), -1, Integer::sum) == 0) ready.add(r);
                }
            }
            if (order.size() != nodes.size()) {
                String stuck = nodes.stream().filter(n -> pending.get(n.name()) > 0).findFirst().map(Node::name).orElse(null);
                throw new ModelException(stuck, "graph has a cycle");
            }
            return order;
        }
    }
}
