package org.cbinfer.kernels.io.onnx;

import org.cbinfer.kernels.graph.ops.BatchNorm;

/**
 * BatchNormalization in inference mode, per channel, with constant scale, bias, mean and variance.
 * Opsets before 9 could normalise per activation ({@code spatial=0}); the engine cannot, nor can it train
 * ({@code training_mode=1}). Training outputs (running mean and variance) are not produced.
 */
final class BatchNormConverter {
    private BatchNormConverter() {}

    static void convert(OnnxNode n) {
        NodeAttributes a = n.attributes();
        if (n.opset() < 9 && a.getInt("spatial", 1) == 0) {
            throw n.fail("spatial=0 (per-activation statistics) is not supported");
        }
        if (a.getInt("training_mode", 0) != 0) {
            throw n.fail("training_mode=1 is not supported: the engine does inference only");
        }
        n.emit(new BatchNorm(n.constantTensor(1, "scale").data(), n.constantTensor(2, "bias").data(),
                n.constantTensor(3, "mean").data(), n.constantTensor(4, "variance").data(),
                a.getFloat("epsilon", 1e-5f)), n.input(0));
    }
}
