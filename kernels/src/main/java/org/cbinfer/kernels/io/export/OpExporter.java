package org.cbinfer.kernels.io.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.BatchNorm;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.GlobalAveragePool;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.graph.ops.Pad;
import org.cbinfer.kernels.graph.ops.Pool;
import org.cbinfer.kernels.graph.ops.Resize;
import org.cbinfer.kernels.graph.ops.Softmax;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.graph.ops.Window;

/**
 * One node of a graph as a JSON object: {@code name}, {@code op} (a tag of this format), {@code inputs} and the
 * op's attributes, its arrays going to the weights file. The attributes keep our semantics exactly (padding
 * modes are resolved by the reader against the actual input size, as {@code Padding.resolve} does) so a peer can
 * reproduce the outputs bit for bit where its arithmetic allows.
 */
final class OpExporter {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final WeightsFile weights;

    OpExporter(WeightsFile weights) {
        this.weights = weights;
    }

    ObjectNode export(Node node) {
        ObjectNode o = JSON.objectNode();
        o.put("name", node.name());
        Op op = node.op();
        o.put("op", tag(node));
        ArrayNode in = o.putArray("inputs");
        node.inputs().forEach(in::add);
        if (op instanceof Conv2d c) {
            o.set("weight", weights.add(c.weight().data(), c.weight().shape()));
            if (c.bias() != null) o.set("bias", weights.add(c.bias(), c.bias().length));
            o.set("window", window(c.window()));
            o.put("groups", c.groups());
            o.set("activation", activation(c.activation()));
        } else if (op instanceof Pool p) {
            o.put("kind", p.kind().name().toLowerCase());
            o.set("window", window(p.window()));
            o.put("ceil_mode", p.ceilMode());
            o.put("count_include_pad", p.countIncludePad());
        } else if (op instanceof BatchNorm bn) {
            // as the CPU kernel computes it: y = mul[c] * x + add[c]
            int c = bn.scale().length;
            float[] mul = new float[c], add = new float[c];
            for (int i = 0; i < c; i++) {
                mul[i] = bn.multiplier(i);
                add[i] = bn.offset(i);
            }
            o.set("mul", weights.add(mul, c));
            o.set("add", weights.add(add, c));
        } else if (op instanceof Unary u) {
            o.set("activation", activation(u.activation()));
        } else if (op instanceof Binary b) {
            o.put("kind", b.kind().name().toLowerCase());
        } else if (op instanceof Concat cat) {
            o.put("axis", cat.axis());
        } else if (op instanceof Softmax s) {
            o.put("axis", s.axis());
        } else if (op instanceof Resize r) {
            o.put("mode", r.mode().name().toLowerCase());
            o.put("coordinates", r.coordinates().name().toLowerCase());
            o.put("nearest", r.nearest().name().toLowerCase());
            o.set("scale", pair(r.scaleH(), r.scaleW()));
            o.set("size", pair(r.outH(), r.outW()));
        } else if (op instanceof Pad p) {
            o.put("mode", p.mode().name().toLowerCase());
            ArrayNode pads = o.putArray("pads");
            for (int v : p.pads()) pads.add(v);
            o.put("value", p.value());
        }
        return o;
    }

    private static String tag(Node node) {
        Op op = node.op();
        if (op instanceof Conv2d) return "conv";
        if (op instanceof Pool) return "pool";
        if (op instanceof GlobalAveragePool) return "global_average_pool";
        if (op instanceof BatchNorm) return "batch_norm";
        if (op instanceof Unary) return "unary";
        if (op instanceof Binary) return "binary";
        if (op instanceof Concat) return "concat";
        if (op instanceof Softmax) return "softmax";
        if (op instanceof Resize) return "resize";
        if (op instanceof Pad) return "pad";
        throw new ModelException(node.name(), op.type() + " cannot be exported for peers (supported: Conv, "
                + "DepthwiseConv, MaxPool, AveragePool, GlobalAveragePool, BatchNorm, activations, Add, Sub, Mul, Div, "
                + "PRelu, Concat, Softmax, Resize, Pad)");
    }

    private static ObjectNode window(Window w) {
        ObjectNode o = JSON.objectNode();
        o.set("kernel", pair(w.kernelH(), w.kernelW()));
        o.set("stride", pair(w.strideH(), w.strideW()));
        o.set("dilation", pair(w.dilationH(), w.dilationW()));
        ObjectNode p = o.putObject("padding");
        p.put("mode", w.padding().mode().name().toLowerCase());
        ArrayNode pads = p.putArray("pads");
        pads.add(w.padding().top()).add(w.padding().left()).add(w.padding().bottom()).add(w.padding().right());
        return o;
    }

    private static ObjectNode activation(Activation a) {
        ObjectNode o = JSON.objectNode();
        o.put("kind", a.kind().name().toLowerCase());
        o.put("alpha", a.alpha());
        o.put("beta", a.beta());
        return o;
    }

    private static ArrayNode pair(int a, int b) {
        return JSON.arrayNode().add(a).add(b);
    }

    private static ArrayNode pair(float a, float b) {
        return JSON.arrayNode().add(a).add(b);
    }
}
