package org.cbinfer.kernels.io.tfjs;

import java.util.Map;
import java.util.TreeSet;
import java.util.SortedSet;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Pool;

/** The TensorFlow ops the importer translates, by op type ({@code Const} and {@code Placeholder} are handled by the translator). */
final class TfjsOps {
    private static final Map<String, OpTranslator> OPS = Map.ofEntries(
            Map.entry("Conv2D", ConvOps::conv2d),
            Map.entry("_FusedConv2D", ConvOps::conv2d),
            Map.entry("DepthwiseConv2dNative", ConvOps::depthwise),
            Map.entry("FusedDepthwiseConv2dNative", ConvOps::depthwise),
            Map.entry("Conv2DBackpropInput", ConvOps::transposed),
            Map.entry("Add", ElementwiseOps.binary(Binary.Kind.ADD)),
            Map.entry("AddV2", ElementwiseOps.binary(Binary.Kind.ADD)),
            Map.entry("BiasAdd", ElementwiseOps.binary(Binary.Kind.ADD)),
            Map.entry("Sub", ElementwiseOps.binary(Binary.Kind.SUB)),
            Map.entry("Mul", ElementwiseOps.binary(Binary.Kind.MUL)),
            Map.entry("RealDiv", ElementwiseOps.binary(Binary.Kind.DIV)),
            Map.entry("AddN", ElementwiseOps::addN),
            Map.entry("Relu", ElementwiseOps::activation),
            Map.entry("Relu6", ElementwiseOps::activation),
            Map.entry("Sigmoid", ElementwiseOps::activation),
            Map.entry("Tanh", ElementwiseOps::activation),
            Map.entry("LeakyRelu", ElementwiseOps::activation),
            Map.entry("Identity", ElementwiseOps::identity),
            Map.entry("AvgPool", PoolResizeOps.pool(Pool.Kind.AVG)),
            Map.entry("MaxPool", PoolResizeOps.pool(Pool.Kind.MAX)),
            Map.entry("ResizeBilinear", PoolResizeOps::resizeBilinear),
            Map.entry("Reshape", ShapeOps::reshape),
            Map.entry("MatMul", ShapeOps::matMul),
            Map.entry("ConcatV2", ShapeOps::concat));

    private TfjsOps() {}

    /** The translator for an op type, or null if unsupported. */
    static OpTranslator translator(String op) {
        return OPS.get(op);
    }

    /** Every supported op type, sorted. */
    static SortedSet<String> supported() {
        SortedSet<String> s = new TreeSet<>(OPS.keySet());
        s.add("Const");
        s.add("Placeholder");
        return s;
    }
}
