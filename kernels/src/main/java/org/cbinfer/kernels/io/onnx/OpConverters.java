package org.cbinfer.kernels.io.onnx;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Binary;

/**
 * The ONNX op types the importer understands, each with its converter and the first of its inputs that are
 * op parameters (weights, shapes, pads, scales, bounds), which must be constant at import time.
 */
final class OpConverters {
    /** A converter, and the index from which a node's inputs are folded into op parameters. */
    record Entry(OpConverter converter, int firstParameterInput) {}

    private static final int NO_PARAMETERS = Integer.MAX_VALUE;
    private static final Map<String, Entry> BY_TYPE = new TreeMap<>();

    static {
        add("Conv", ConvConverters::conv, 1);
        add("ConvTranspose", ConvConverters::convTranspose, 1);
        add("MaxPool", PoolConverters::maxPool, NO_PARAMETERS);
        add("AveragePool", PoolConverters::averagePool, NO_PARAMETERS);
        add("GlobalAveragePool", PoolConverters::globalAveragePool, NO_PARAMETERS);
        add("BatchNormalization", BatchNormConverter::convert, 1);
        add("Relu", ActivationConverters.of(Activation.RELU), NO_PARAMETERS);
        add("Sigmoid", ActivationConverters.of(Activation.SIGMOID), NO_PARAMETERS);
        add("Tanh", ActivationConverters.of(Activation.TANH), NO_PARAMETERS);
        add("LeakyRelu", ActivationConverters::leakyRelu, NO_PARAMETERS);
        add("HardSigmoid", ActivationConverters::hardSigmoid, NO_PARAMETERS);
        add("Clip", ActivationConverters::clip, 1);
        add("PRelu", ElementwiseConverters::prelu, NO_PARAMETERS);
        add("Add", ElementwiseConverters.binary(Binary.Kind.ADD), NO_PARAMETERS);
        add("Sub", ElementwiseConverters.binary(Binary.Kind.SUB), NO_PARAMETERS);
        add("Mul", ElementwiseConverters.binary(Binary.Kind.MUL), NO_PARAMETERS);
        add("Div", ElementwiseConverters.binary(Binary.Kind.DIV), NO_PARAMETERS);
        add("Concat", AxisConverters::concat, NO_PARAMETERS);
        add("Softmax", AxisConverters::softmax, NO_PARAMETERS);
        add("ArgMax", AxisConverters::argMax, NO_PARAMETERS);
        add("Flatten", AxisConverters::flatten, NO_PARAMETERS);
        add("Resize", ResizeConverter::resize, 1);
        add("Upsample", ResizeConverter::upsample, 1);
        add("Pad", PadConverter::convert, 1);
        add("Reshape", LayoutConverters::reshape, 1);
        add("Transpose", LayoutConverters::transpose, NO_PARAMETERS);
        add("DepthToSpace", LayoutConverters::depthToSpace, NO_PARAMETERS);
        add("MatMul", MatMulConverters::matMul, NO_PARAMETERS);
        add("Gemm", MatMulConverters::gemm, NO_PARAMETERS);
        add("Identity", PassThroughConverters::identity, NO_PARAMETERS);
        add("Dropout", PassThroughConverters::dropout, 1);
        add("Constant", PassThroughConverters::constant, NO_PARAMETERS);
    }

    private OpConverters() {}

    private static void add(String type, OpConverter converter, int firstParameterInput) {
        BY_TYPE.put(type, new Entry(converter, firstParameterInput));
    }

    /** The entry for an op type of the default ONNX domain, or null if the importer does not support it. */
    static Entry get(String type) {
        return BY_TYPE.get(type);
    }

    static SortedSet<String> supported() {
        return new TreeSet<>(BY_TYPE.keySet());
    }
}
