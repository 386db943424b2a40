package org.cbinfer.kernels.io.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.io.onnx.proto.TensorProto;
import org.cbinfer.kernels.io.onnx.proto.TensorProto.DataType;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Decodes ONNX {@link TensorProto} values (weights, constants, test data) into the engine's float32 tensors,
 * or into plain numbers where a tensor is an op parameter (shapes, pads, sizes, scales).
 *
 * <p>Values come from {@code raw_data} (little-endian, packed) or from the typed field the element type
 * uses. Every size is checked against the declared dims before anything is allocated, so a corrupt file
 * fails with a {@link ModelException} instead of an attempt to allocate gigabytes.
 */
public final class OnnxTensors {
    private OnnxTensors() {}

    /** The tensor as float32, converting any numeric element type (integers, float16, bfloat16, double). */
    public static Tensor toTensor(TensorProto t) {
        int[] shape = shape(t);
        int n = Shapes.size(shape);
        IntToDoubleFunction element = elements(t, n);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) element.applyAsDouble(i);
        return Tensor.of(shape, f);
    }

    /** The values as 64-bit integers; floating-point values must be whole numbers. */
    public static long[] toLongs(TensorProto t) {
        int n = Shapes.size(shape(t));
        IntToDoubleFunction element = elements(t, n);
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            double v = element.applyAsDouble(i);
            if (v != Math.rint(v)) throw fail(t, "value " + v + " is not a whole number");
            r[i] = (long) v;
        }
        return r;
    }

    /** The dims as an int shape, checked: no negative dim, no element count beyond what a Java array holds. */
    public static int[] shape(TensorProto t) {
        return shape(t.getDimsList(), t.getName());
    }

    static int[] shape(List<Long> dims, String what) {
        int[] s = new int[dims.size()];
        for (int i = 0; i < s.length; i++) {
            long d = dims.get(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new ModelException(what, "tensor dimension " + d + " out of range in " + dims);
            }
            s[i] = (int) d;
        }
        try {
            Shapes.size(s);
        } catch (IllegalArgumentException e) {
            throw new ModelException(what, e.getMessage(), e);
        }
        return s;
    }

    /** The element type's name, for messages. */
    public static String typeName(int dataType) {
        DataType d = DataType.forNumber(dataType);
        return d == null ? "type " + dataType : d.name();
    }

    /** Element i of the tensor's {@code n} values, after checking that the stored values are exactly n. */
    private static IntToDoubleFunction elements(TensorProto t, int n) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw fail(t, "external tensor data is not supported; save the model with its weights inside");
        }
        DataType type = DataType.forNumber(t.getDataType());
        if (type == null) throw fail(t, "unknown element " + typeName(t.getDataType()));
        if (t.hasRawData()) return rawElements(t, type, t.getRawData(), n);
        switch (type) {
            case FLOAT:
                checkCount(t, t.getFloatDataCount(), n);
                return t::getFloatData;
            case DOUBLE:
                checkCount(t, t.getDoubleDataCount(), n);
                return t::getDoubleData;
            case INT64:
                checkCount(t, t.getInt64DataCount(), n);
                return t::getInt64Data;
            case UINT32: case UINT64:
                checkCount(t, t.getUint64DataCount(), n);
                return i -> unsigned(t.getUint64Data(i));
            case INT32: case INT16: case INT8: case UINT16: case UINT8: case BOOL: case FLOAT16: case BFLOAT16:
                checkCount(t, t.getInt32DataCount(), n);
                return i -> fromInt32Field(type, t.getInt32Data(i));
            default:
                throw fail(t, "element type " + type + " is not numeric or not supported");
        }
    }

    private static double fromInt32Field(DataType type, int bits) {
        switch (type) {
            case FLOAT16: return halfToFloat(bits);
            case BFLOAT16: return Float.intBitsToFloat((bits & 0xffff) << 16);
            case UINT16: return bits & 0xffff;
            case UINT8: return bits & 0xff;
            default: return bits;
        }
    }

    private static IntToDoubleFunction rawElements(TensorProto t, DataType type, ByteString raw, int n) {
        int width = width(t, type);
        if (raw.size() != (long) n * width) {
            throw fail(t, "raw data has " + raw.size() + " bytes, " + Shapes.str(shape(t)) + " of " + type
                    + " needs " + (long) n * width);
        }
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT: return i -> b.getFloat(4 * i);
            case DOUBLE: return i -> b.getDouble(8 * i);
            case INT64: return i -> b.getLong(8 * i);
            case UINT64: return i -> unsigned(b.getLong(8 * i));
            case INT32: return i -> b.getInt(4 * i);
            case UINT32: return i -> b.getInt(4 * i) & 0xffffffffL;
            case INT16: return i -> b.getShort(2 * i);
            case UINT16: return i -> b.getShort(2 * i) & 0xffff;
            case FLOAT16: return i -> halfToFloat(b.getShort(2 * i));
            case BFLOAT16: return i -> Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
            case INT8: return i -> b.get(i);
            case UINT8: case BOOL: return i -> b.get(i) & 0xff;
            default: throw new AssertionError(type);
        }
    }

    private static int width(TensorProto t, DataType type) {
        switch (type) {
            case DOUBLE: case INT64: case UINT64: return 8;
            case FLOAT: case INT32: case UINT32: return 4;
            case INT16: case UINT16: case FLOAT16: case BFLOAT16: return 2;
            case INT8: case UINT8: case BOOL: return 1;
            default: throw fail(t, "element type " + type + " is not numeric or not supported");
        }
    }

    /** IEEE 754 binary16 bits (the low 16 of {@code h}) to float. */
    static float halfToFloat(int h) {
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        float v;
        if (exponent == 0) {
            v = mantissa * 0x1p-24f;
        } else if (exponent == 31) {
            v = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat((exponent - 15 + 127) << 23 | mantissa << 13);
        }
        return (h & 0x8000) != 0 ? -v : v;
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
    }

    private static void checkCount(TensorProto t, int have, int n) {
        if (have != n) throw fail(t, "has " + have + " values, dims " + Shapes.str(shape(t)) + " need " + n);
    }

    private static ModelException fail(TensorProto t, String message) {
        return new ModelException(t.getName().isEmpty() ? null : t.getName(), "tensor: " + message);
    }
}
