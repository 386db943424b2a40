package org.cbinfer.kernels.io.onnx;

import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto.DataType;

/** Nodes that compute nothing at inference: Identity, Dropout, and Constant (a value known at import). */
final class PassThroughConverters {
    private PassThroughConverters() {}

    static void identity(OnnxNode n) {
        n.passThrough(0);
    }

    /** Dropout is the identity at inference; its optional mask output is not produced. */
    static void dropout(OnnxNode n) {
        if (n.opset() >= 12 && n.has(2) && n.constantScalar(2, "training_mode") != 0f) {
            throw n.fail("training_mode=true is not supported: the engine does inference only");
        }
        n.passThrough(0);
    }

    /** Constant: {@code value}, or (opset 12 on) {@code value_float(s)} / {@code value_int(s)}. */
    static void constant(OnnxNode n) {
        NodeAttributes a = n.attributes();
        TensorProto value = a.getTensor("value");
        if (value == null && a.has("value_float")) {
            value = TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addFloatData(a.getFloat("value_float", 0f)).build();
        } else if (value == null && a.has("value_floats")) {
            float[] f = a.getFloats("value_floats", null);
            TensorProto.Builder b = TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addDims(f.length);
            for (float x : f) b.addFloatData(x);
            value = b.build();
        } else if (value == null && a.has("value_int")) {
            value = TensorProto.newBuilder().setDataType(DataType.INT64_VALUE).addInt64Data(a.getInt("value_int", 0)).build();
        } else if (value == null && a.has("value_ints")) {
            long[] v = a.getInts("value_ints", null);
            TensorProto.Builder b = TensorProto.newBuilder().setDataType(DataType.INT64_VALUE).addDims(v.length);
            for (long x : v) b.addInt64Data(x);
            value = b.build();
        }
        if (value == null) throw n.fail("needs a tensor, float(s) or int(s) value (sparse and string constants are not supported)");
        n.defineConstant(value);
    }
}
