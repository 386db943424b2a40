package org.cbinfer.kernels.io.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.cbinfer.kernels.io.onnx.proto.AttributeProto;
import org.cbinfer.kernels.io.onnx.proto.AttributeProto.AttributeType;
import org.cbinfer.kernels.io.onnx.proto.GraphProto;
import org.cbinfer.kernels.io.onnx.proto.ModelProto;
import org.cbinfer.kernels.io.onnx.proto.NodeProto;
import org.cbinfer.kernels.io.onnx.proto.OperatorSetIdProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto.DataType;
import org.cbinfer.kernels.io.onnx.proto.TensorShapeProto;
import org.cbinfer.kernels.io.onnx.proto.TypeProto;
import org.cbinfer.kernels.io.onnx.proto.ValueInfoProto;
import org.cbinfer.kernels.tensor.Tensor;

/** Writes small ONNX models in tests, with the importer's own protobuf classes. */
final class OnnxModelBuilder {
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private final int opset;

    private OnnxModelBuilder(int opset) {
        this.opset = opset;
    }

    static OnnxModelBuilder opset(int opset) {
        return new OnnxModelBuilder(opset);
    }

    /** A float input; a negative dim is symbolic. */
    OnnxModelBuilder input(String name, int... dims) {
        graph.addInput(valueInfo(name, DataType.FLOAT, dims));
        return this;
    }

    OnnxModelBuilder input(String name, DataType type, int... dims) {
        graph.addInput(valueInfo(name, type, dims));
        return this;
    }

    /** A float output of unspecified shape. */
    OnnxModelBuilder output(String name) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT_VALUE))));
        return this;
    }

    OnnxModelBuilder initializer(String name, Tensor value) {
        graph.addInitializer(floats(name, value));
        return this;
    }

    OnnxModelBuilder initializer(TensorProto value) {
        graph.addInitializer(value);
        return this;
    }

    OnnxModelBuilder node(String opType, String[] inputs, String output, AttributeProto... attributes) {
        return node(NodeProto.newBuilder().setOpType(opType).setName(output + "_node"), inputs, output, attributes);
    }

    private OnnxModelBuilder node(NodeProto.Builder n, String[] inputs, String output, AttributeProto... attributes) {
        for (String in : inputs) n.addInput(in);
        n.addOutput(output);
        for (AttributeProto a : attributes) n.addAttribute(a);
        graph.addNode(n);
        return this;
    }

    /** A node of another domain (for tests of what the importer rejects). */
    OnnxModelBuilder node(String domain, String opType, String[] inputs, String output) {
        return node(NodeProto.newBuilder().setOpType(opType).setDomain(domain), inputs, output);
    }

    ModelProto build() {
        return ModelProto.newBuilder().setIrVersion(opset < 9 ? 3 : 7).setProducerName("cbinfer-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    byte[] bytes() {
        return build().toByteArray();
    }

    static String[] in(String... names) {
        return names;
    }

    static AttributeProto attr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }

    static AttributeProto attr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto attr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFrom(v, StandardCharsets.UTF_8)).build();
    }

    static AttributeProto attr(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return b.build();
    }

    static AttributeProto attr(String name, float... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOATS);
        for (float x : v) b.addFloats(x);
        return b.build();
    }

    static AttributeProto attr(String name, TensorProto t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR).setT(t).build();
    }

    /** A float tensor stored as raw little-endian bytes, as exporters write weights. */
    static TensorProto floats(String name, Tensor value) {
        ByteBuffer b = ByteBuffer.allocate(4 * value.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : value.data()) b.putFloat(f);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : value.shape()) t.addDims(d);
        return t.build();
    }

    /** An int64 tensor in the typed field (shapes, pads, sizes). */
    static TensorProto longs(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) t.addInt64Data(v);
        return t.build();
    }

    private static ValueInfoProto valueInfo(String name, DataType type, int... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("d" + shape.getDimCount())
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
