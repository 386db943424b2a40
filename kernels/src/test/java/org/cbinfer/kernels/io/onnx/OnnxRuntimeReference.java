package org.cbinfer.kernels.io.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;

/** Runs a serialized ONNX model with ONNX Runtime (CPU, one thread): the reference of the differential tests. */
final class OnnxRuntimeReference {
    private OnnxRuntimeReference() {}

    static Map<String, Tensor> run(byte[] model, Map<String, Tensor> inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                        long[] shape = java.util.Arrays.stream(e.getValue().shape()).asLongStream().toArray();
                        feed.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()), shape));
                    }
                    try (OrtSession.Result result = session.run(feed)) {
                        Map<String, Tensor> out = new LinkedHashMap<>();
                        for (Map.Entry<String, OnnxValue> e : result) {
                            OnnxTensor t = (OnnxTensor) e.getValue();
                            int[] shape = java.util.Arrays.stream(t.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
                            FloatBuffer b = t.getFloatBuffer();
                            float[] v = new float[b.remaining()];
                            b.get(v);
                            out.put(e.getKey(), Tensor.of(shape, v));
                        }
                        return out;
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }
}
