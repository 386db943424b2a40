package org.cbinfer.kernels.io.onnx;

/** Converts one ONNX node into engine nodes, constants or aliases, through {@link OnnxNode}. */
@FunctionalInterface
interface OpConverter {
    void convert(OnnxNode node);
}
