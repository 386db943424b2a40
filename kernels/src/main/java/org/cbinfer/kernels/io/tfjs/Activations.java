package org.cbinfer.kernels.io.tfjs;

import java.util.List;
import org.cbinfer.kernels.graph.ops.Activation;

/** TensorFlow activation ops (standalone, or named in a fused conv's {@code fused_ops}) as engine activations. */
final class Activations {
    /** The TensorFlow op names this maps. */
    static final List<String> SUPPORTED = List.of("Relu", "Relu6", "Sigmoid", "Tanh", "LeakyRelu");

    private Activations() {}

    /** The activation of TensorFlow op {@code op}; {@code node} supplies LeakyRelu's slope. Null if not an activation. */
    static Activation of(String op, TfNode node, String alphaAttr) {
        switch (op) {
            case "Relu": return Activation.RELU;
            case "Relu6": return Activation.relu6();
            case "Sigmoid": return Activation.SIGMOID;
            case "Tanh": return Activation.TANH;
            case "LeakyRelu": return Activation.leakyRelu(node.number(alphaAttr, 0.2f));
            default: return null;
        }
    }
}
