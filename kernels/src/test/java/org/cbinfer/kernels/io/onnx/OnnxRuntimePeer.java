package org.cbinfer.kernels.io.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * An ONNX model in ONNX Runtime's CPU provider, set up the way the CPU benchmarks compare against it (every graph
 * optimisation, one intra-op thread per core), with one input bound: the peer of a benchmark's dense pass.
 */
final class OnnxRuntimePeer implements AutoCloseable {
    private final OrtSession session;
    private final OnnxTensor feed;
    private final String input;

    OnnxRuntimePeer(byte[] model, String input, Tensor value) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            this.session = env.createSession(model, options);
        }
        this.feed = OnnxTensor.createTensor(env, FloatBuffer.wrap(value.data()), Arrays.stream(value.shape()).asLongStream().toArray());
        this.input = input;
    }

    /** One inference; returns a value of the output, so that the benchmark cannot drop the call. */
    float run() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(input, feed))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    /**
     * Throws unless each of our outputs for the bound input agrees with ONNX Runtime's (relative L2 below 1e-4, each
     * printed): what makes the two timings comparable.
     */
    void checkAgrees(Map<String, Tensor> ours) throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(input, feed))) {
            for (Map.Entry<String, Tensor> e : ours.entrySet()) {
                FloatBuffer got = ((OnnxTensor) r.get(e.getKey()).orElseThrow()).getFloatBuffer();
                float[] want = e.getValue().data();
                double num = 0, den = 0;
                for (int i = 0; i < want.length; i++) {
                    double d = want[i] - got.get(i);
                    num += d * d;
                    den += (double) want[i] * want[i];
                }
                double relL2 = Math.sqrt(num / den);
                System.out.printf("output %s: ONNX Runtime vs ours rel L2 %.2e%n", e.getKey(), relL2);
                if (!(relL2 < 1e-4)) throw new IllegalStateException(e.getKey() + ": the exported network differs, rel L2 " + relL2);
            }
        }
    }

    @Override
    public void close() throws OrtException {
        feed.close();
        session.close();
    }
}
