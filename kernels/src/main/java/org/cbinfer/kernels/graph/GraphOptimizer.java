package org.cbinfer.kernels.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.BatchNorm;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Rewrites a graph into the form the engine runs best, without changing what it computes:
 * folds batch norm and per-channel affine constants (scale, bias) into the preceding convolution
 * and fuses a following activation into it. A fused node takes the name of the last node it absorbed,
 * so graph outputs and downstream references keep their names.
 */
public final class GraphOptimizer {
    private GraphOptimizer() {}

    public static Graph optimize(Graph graph) {
        List<Node> nodes = new ArrayList<>(graph.nodes());
        Set<String> outputs = new HashSet<>(graph.outputs());
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<String, Integer> uses = useCounts(nodes);
            for (int i = 0; i < nodes.size() && !changed; i++) {
                Node n = nodes.get(i);
                for (int k = 0; k < n.inputs().size() && !changed; k++) {
                    String in = n.inputs().get(k);
                    int pi = indexOf(nodes, in);
                    if (pi < 0 || outputs.contains(in) || uses.getOrDefault(in, 0) != 1) continue;
                    Node producer = nodes.get(pi);
                    Op fused = fuse(producer.op(), n, k, graph.constants());
                    if (fused != null) {
                        nodes.set(pi, new Node(n.name(), fused, producer.inputs()));
                        nodes.remove(i);
                        changed = true;
                    }
                }
            }
        }
        Graph.Builder b = Graph.builder();
        graph.inputs().forEach(in -> b.input(in.name(), in.shape()));
        Set<String> used = new HashSet<>(graph.outputs());
        nodes.forEach(n -> used.addAll(n.inputs()));
        graph.constants().forEach((k, v) -> { if (used.contains(k)) b.constant(k, v); });
        nodes.forEach(n -> b.node(n.name(), n.op(), n.inputs()));
        graph.outputs().forEach(b::output);
        return b.build();
    }

    private static Map<String, Integer> useCounts(List<Node> nodes) {
        Map<String, Integer> m = new java.util.HashMap<>();
        for (Node n : nodes) for (String in : n.inputs()) m.merge(in, 1, Integer::sum);
        return m;
    }

    private static int indexOf(List<Node> nodes, String name) {
        for (int i = 0; i < nodes.size(); i++) if (nodes.get(i).name().equals(name)) return i;
        return -1;
    }

    /** The producer's op with the consumer folded in, or null if it cannot be folded. */
    private static Op fuse(Op producer, Node consumer, int inputIndex, Map<String, Tensor> constants) {
        boolean conv = producer instanceof Conv2d || producer instanceof ConvTranspose2d;
        if (!conv || !activationOf(producer).isIdentity()) return null;
        int cout = producer instanceof Conv2d c ? c.outChannels() : ((ConvTranspose2d) producer).outChannels();
        Op op = consumer.op();
        if (op instanceof Unary u) {
            return withActivation(producer, u.activation());
        }
        if (op instanceof BatchNorm bn && bn.scale().length == cout) {
            float[] mul = new float[cout];
            float[] add = new float[cout];
            for (int c = 0; c < cout; c++) {
                mul[c] = bn.multiplier(c);
                add[c] = bn.offset(c);
            }
            return affine(producer, mul, add);
        }
        if (op instanceof Binary b && (b.kind() == Binary.Kind.ADD || b.kind() == Binary.Kind.MUL || b.kind() == Binary.Kind.SUB)) {
            if (b.kind() == Binary.Kind.SUB && inputIndex != 0) return null;
            Tensor other = constants.get(consumer.inputs().get(1 - inputIndex));
            float[] perChannel = other == null ? null : perChannel(other, cout);
            if (perChannel == null) return null;
            float[] mul = new float[cout];
            float[] add = new float[cout];
            for (int c = 0; c < cout; c++) {
                mul[c] = b.kind() == Binary.Kind.MUL ? perChannel[c] : 1f;
                add[c] = b.kind() == Binary.Kind.ADD ? perChannel[c] : b.kind() == Binary.Kind.SUB ? -perChannel[c] : 0f;
            }
            return affine(producer, mul, add);
        }
        return null;
    }

    /** Values of a constant that broadcasts only along the channel axis of [1, C, H, W]. */
    private static float[] perChannel(Tensor t, int channels) {
        int[] s = t.shapeRef();
        float[] d = t.data();
        if (t.size() == 1) {
            float[] r = new float[channels];
            java.util.Arrays.fill(r, d[0]);
            return r;
        }
        boolean ok = (s.length == 3 && s[0] == channels && s[1] == 1 && s[2] == 1)
                || (s.length == 4 && s[0] == 1 && s[1] == channels && s[2] == 1 && s[3] == 1);
        return ok ? d.clone() : null;
    }

    private static Activation activationOf(Op op) {
        return op instanceof Conv2d c ? c.activation() : ((ConvTranspose2d) op).activation();
    }

    private static Op withActivation(Op op, Activation a) {
        return op instanceof Conv2d c ? c.withActivation(a) : ((ConvTranspose2d) op).withActivation(a);
    }

    /** The convolution followed by y = mul[c] * y + add[c]. */
    private static Op affine(Op op, float[] mul, float[] add) {
        if (op instanceof Conv2d c) {
            float[] w = c.weight().data().clone();
            int per = w.length / c.outChannels();
            float[] bias = new float[c.outChannels()];
            for (int o = 0; o < c.outChannels(); o++) {
                for (int j = 0; j < per; j++) w[o * per + j] *= mul[o];
                bias[o] = (c.bias() == null ? 0f : c.bias()[o]) * mul[o] + add[o];
            }
            return new Conv2d(Tensor.of(c.weight().shape(), w), bias, c.window(), c.groups(), c.activation());
        }
        ConvTranspose2d t = (ConvTranspose2d) op;
        float[] w = t.weight().data().clone();
        int cin = t.inChannels(), coutG = t.weight().dim(1), kk = t.kernel(0) * t.kernel(1);
        int cinG = cin / t.groups();
        for (int ci = 0; ci < cin; ci++) {
            int g = ci / cinG;
            for (int j = 0; j < coutG; j++) {
                float m = mul[g * coutG + j];
                int base = (ci * coutG + j) * kk;
                for (int q = 0; q < kk; q++) w[base + q] *= m;
            }
        }
        float[] bias = new float[t.outChannels()];
        for (int o = 0; o < bias.length; o++) bias[o] = (t.bias() == null ? 0f : t.bias()[o]) * mul[o] + add[o];
        return new ConvTranspose2d(Tensor.of(t.weight().shape(), w), bias, t.strideH(), t.strideW(), t.dilationH(),
                t.dilationW(), t.padTop(), t.padLeft(), t.padBottom(), t.padRight(), t.outputPaddingH(),
                t.outputPaddingW(), t.outputSize(), t.padAtEnd(), t.groups(), t.activation());
    }
}
