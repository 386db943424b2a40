package org.cbinfer.kernels.io.tfjs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.graph.ModelException;
import org.cbinfer.kernels.tensor.Shapes;

/**
 * Turns the bytes of one manifest group into tensors: weights lie back to back, little-endian, in manifest order,
 * each {@code float32} or {@code int32}, or quantized ({@code float16}, {@code uint8}, {@code uint16}).
 */
final class WeightDecoder {
    private WeightDecoder() {}

    /**
     * Decodes every weight of a group.
     *
     * @throws ModelException naming the weight whose bytes are missing, or whose dtype is not supported;
     *     or (naming no weight) when the group holds more bytes than its weights use
     */
    static Map<String, TfTensor> decode(List<WeightSpec> weights, byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, TfTensor> out = new LinkedHashMap<>();
        for (WeightSpec w : weights) {
            int n;
            try {
                n = Shapes.size(w.shape());
            } catch (IllegalArgumentException e) {
                throw new ModelException(w.name(), "weight shape: " + e.getMessage());
            }
            long need = (long) n * bytesPerValue(w);
            if (need > buf.remaining()) {
                throw new ModelException(w.name(), "weight " + w.dtype() + Shapes.str(w.shape()) + " needs " + need
                        + " bytes at offset " + buf.position() + " but the weight files hold only " + bytes.length
                        + " bytes (truncated or mismatched weights file?)");
            }
            out.put(w.name(), read(w, n, buf));
        }
        if (buf.hasRemaining()) {
            throw new ModelException(null, "weight files hold " + bytes.length + " bytes but the manifest describes only "
                    + buf.position() + " (mismatched weights file?)");
        }
        return out;
    }

    private static int bytesPerValue(WeightSpec w) {
        String storage = w.quantization() == null ? w.dtype() : w.quantization().dtype();
        switch (storage) {
            case "float32":
            case "int32":
                return 4;
            case "float16":
            case "uint16":
                return 2;
            case "uint8":
                return 1;
            default:
                throw new ModelException(w.name(), "unsupported weight storage dtype '" + storage
                        + "' (supported: float32, int32, and quantized float16, uint8, uint16)");
        }
    }

    private static TfTensor read(WeightSpec w, int n, ByteBuffer buf) {
        boolean integer = "int32".equals(w.dtype());
        if (!integer && !"float32".equals(w.dtype())) {
            throw new ModelException(w.name(), "unsupported weight dtype '" + w.dtype() + "' (supported: float32, int32)");
        }
        WeightSpec.Quantization q = w.quantization();
        if (q == null) {
            if (integer) {
                int[] v = new int[n];
                buf.asIntBuffer().get(v);
                buf.position(buf.position() + 4 * n);
                return TfTensor.ofInts(w.shape(), v);
            }
            float[] v = new float[n];
            buf.asFloatBuffer().get(v);
            buf.position(buf.position() + 4 * n);
            return TfTensor.ofFloats(w.shape(), v);
        }
        if ("float16".equals(q.dtype())) {
            if (integer) throw new ModelException(w.name(), "int32 weights cannot be float16-quantized");
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = Float16.toFloat(buf.getShort() & 0xffff);
            return TfTensor.ofFloats(w.shape(), v);
        }
        boolean wide = "uint16".equals(q.dtype());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int code = wide ? buf.getShort() & 0xffff : buf.get() & 0xff;
            v[i] = code * q.scale() + q.min();
        }
        if (!integer) return TfTensor.ofFloats(w.shape(), v);
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = Math.round(v[i]);
        return TfTensor.ofInts(w.shape(), r);
    }
}
