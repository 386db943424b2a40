package org.cbinfer.kernels.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto.DataType;
import org.junit.jupiter.api.Test;

/** How ONNX tensors of each storage and element type become float32 tensors or parameters. */
class OnnxTensorsTest {
    private static TensorProto.Builder tensor(DataType type, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName("t").setDataType(type.getNumber());
        for (long d : dims) b.addDims(d);
        return b;
    }

    private static ByteString bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return ByteString.copyFrom(b);
    }

    @Test
    void rawDataIsLittleEndian() {
        TensorProto t = tensor(DataType.FLOAT, 2).setRawData(bytes(0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0)).build();
        assertArrayEquals(new float[] {1f, -2f}, OnnxTensors.toTensor(t).data());
        TensorProto i64 = tensor(DataType.INT64, 1).setRawData(bytes(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).build();
        assertArrayEquals(new long[] {-2}, OnnxTensors.toLongs(i64));
    }

    @Test
    void halfPrecisionValuesAreWidened() {
        // float16 1.0 = 0x3c00, -0.5 = 0xb800, smallest subnormal 2^-24 = 0x0001; bfloat16 1.0 = 0x3f80
        TensorProto f16 = tensor(DataType.FLOAT16, 3).setRawData(bytes(0x00, 0x3c, 0x00, 0xb8, 0x01, 0x00)).build();
        assertArrayEquals(new float[] {1f, -0.5f, 0x1p-24f}, OnnxTensors.toTensor(f16).data());
        TensorProto bf16 = tensor(DataType.BFLOAT16, 1).addInt32Data(0x3f80).build();
        assertArrayEquals(new float[] {1f}, OnnxTensors.toTensor(bf16).data());
    }

    @Test
    void typedFieldsServeTheirElementTypes() {
        assertArrayEquals(new float[] {255f, 3f}, OnnxTensors.toTensor(tensor(DataType.UINT8, 2).addInt32Data(255).addInt32Data(3).build()).data());
        assertArrayEquals(new float[] {0.25f}, OnnxTensors.toTensor(tensor(DataType.DOUBLE, 1).addDoubleData(0.25).build()).data());
        assertArrayEquals(new long[] {7, -1}, OnnxTensors.toLongs(tensor(DataType.INT64, 2).addInt64Data(7).addInt64Data(-1).build()));
        assertArrayEquals(new float[] {5f}, OnnxTensors.toTensor(tensor(DataType.FLOAT).addFloatData(5f).build()).data());
    }

    @Test
    void valuesThatDoNotMatchTheDimsAreRefused() {
        assertThrows(ModelException.class, () -> OnnxTensors.toTensor(tensor(DataType.FLOAT, 3).addFloatData(1).build()));
        assertThrows(ModelException.class, () -> OnnxTensors.toTensor(tensor(DataType.FLOAT, 2).setRawData(bytes(0, 0, 0)).build()));
        assertThrows(ModelException.class, () -> OnnxTensors.toTensor(tensor(DataType.FLOAT, -1).build()));
    }

    @Test
    void externalDataAndStringsAreRefused() {
        assertThrows(ModelException.class, () -> OnnxTensors.toTensor(tensor(DataType.FLOAT, 1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).build()));
        assertThrows(ModelException.class, () -> OnnxTensors.toTensor(tensor(DataType.STRING, 1)
                .addStringData(ByteString.copyFromUtf8("a")).build()));
    }

    @Test
    void parametersMustBeWholeNumbers() {
        assertThrows(ModelException.class, () -> OnnxTensors.toLongs(tensor(DataType.FLOAT, 1).addFloatData(1.5f).build()));
    }
}
