package org.cbinfer.kernels.io.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.tfjs.TfjsModelLoader;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.kernels.testing.TestData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * PoseNet (MobileNetV1, real weights) at 385x385 on a vtest frame, dense, by our CPU backend and by ONNX Runtime's
 * CPU provider (all optimisations, one thread per core) running the same optimised network exported to ONNX
 * ({@link ConvGraphExport}); the setup checks that both give the same outputs before anything is timed.
 *
 * <pre>./mvnw -q -B -pl kernels test-compile exec:exec@jmh -Djmh.args="PoseNetOnnxRuntimeBenchmark"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
public class PoseNetOnnxRuntimeBenchmark {
    private DenseExecutor ours;
    private Tensor frame;
    private OrtSession session;
    private OnnxTensor feed;
    private String input;

    @Setup
    public void setup() throws Exception {
        Graph g = TfjsModelLoader.load(TestData.file("models/tfjs/posenet.json"));
        byte[] rgb = Files.readAllBytes(TestData.file("golden/vtest_f100-109_385x385.rgb"));
        frame = ImageTensors.fromRgb(rgb, 0, 385, 385, ImageTensors.Scale.PM1);
        ours = new DenseExecutor(g);
        input = g.inputs().get(0).name();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        session = env.createSession(ConvGraphExport.onnx(g, frame.shape()), options);
        feed = OnnxTensor.createTensor(env, FloatBuffer.wrap(frame.data()), java.util.Arrays.stream(frame.shape()).asLongStream().toArray());
        Map<String, Tensor> expected = ours.run(frame);
        try (OrtSession.Result r = session.run(Map.of(input, feed))) {
            for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                FloatBuffer got = ((OnnxTensor) r.get(e.getKey()).orElseThrow()).getFloatBuffer();
                double num = 0, den = 0;
                for (int i = 0; i < e.getValue().data().length; i++) {
                    double d = e.getValue().data()[i] - got.get(i);
                    num += d * d;
                    den += (double) e.getValue().data()[i] * e.getValue().data()[i];
                }
                double relL2 = Math.sqrt(num / den);
                System.out.printf("output %s: ONNX Runtime vs ours rel L2 %.2e%n", e.getKey(), relL2);
                if (!(relL2 < 1e-4)) throw new IllegalStateException(e.getKey() + ": the exported network differs, rel L2 " + relL2);
            }
        }
    }

    @TearDown
    public void tearDown() throws OrtException {
        feed.close();
        session.close();
    }

    @Benchmark
    public Object ours() {
        return ours.run(frame);
    }

    @Benchmark
    public Object onnxRuntime() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(input, feed))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }
}
