package org.cbinfer.kernels.io.onnx;

import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Unary;

/** The elementwise activations: Relu, Sigmoid, Tanh, LeakyRelu, HardSigmoid and Clip. */
final class ActivationConverters {
    private ActivationConverters() {}

    static OpConverter of(Activation a) {
        return n -> n.emit(new Unary(a), n.input(0));
    }

    static void leakyRelu(OnnxNode n) {
        n.emit(new Unary(Activation.leakyRelu(n.attributes().getFloat("alpha", 0.01f))), n.input(0));
    }

    static void hardSigmoid(OnnxNode n) {
        NodeAttributes a = n.attributes();
        n.emit(new Unary(Activation.hardSigmoid(a.getFloat("alpha", 0.2f), a.getFloat("beta", 0.5f))), n.input(0));
    }

    /**
     * Clip: bounds are attributes before opset 11, optional constant inputs from then on. A missing bound
     * is the float range's end, as in ONNX Runtime (so infinities are clipped to the largest float).
     */
    static void clip(OnnxNode n) {
        float min;
        float max;
        if (n.opset() < 11) {
            min = n.attributes().getFloat("min", -Float.MAX_VALUE);
            max = n.attributes().getFloat("max", Float.MAX_VALUE);
        } else {
            min = n.has(1) ? n.constantScalar(1, "min") : -Float.MAX_VALUE;
            max = n.has(2) ? n.constantScalar(2, "max") : Float.MAX_VALUE;
        }
        n.emit(new Unary(Activation.clip(min, max)), n.input(0));
    }
}
