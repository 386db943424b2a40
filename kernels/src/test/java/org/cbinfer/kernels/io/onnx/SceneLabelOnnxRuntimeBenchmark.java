package org.cbinfer.kernels.io.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.StreamState;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.kernels.testing.TestData;
import org.cbinfer.kernels.zoo.ReferenceNetworks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scene-labelling network at a reduced size (385x385: the golden vtest frames 100-109), dense by our CPU backend
 * and by ONNX Runtime (the same network written back to ONNX, outputs checked to agree before timing), and
 * change-based by ours over the ten consecutive frames in order (once every ten, the jump back to the first is a
 * scene cut).
 *
 * <pre>./mvnw -q -B -pl kernels test-compile exec:exec@jmh -Djmh.args="SceneLabelOnnxRuntimeBenchmark"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx6g", "--add-modules", "jdk.incubator.vector"})
public class SceneLabelOnnxRuntimeBenchmark {
    @Param({"0.05"})
    public float threshold;

    private DenseExecutor dense;
    private ChangeBasedEngine engine;
    private StreamState state;
    private final List<Tensor> frames = new ArrayList<>();
    private int next;
    private OrtSession session;
    private OnnxTensor feed;
    private String input;

    @Setup
    public void setup() throws Exception {
        Graph g = ReferenceNetworks.sceneLabel().graph();
        byte[] rgb = Files.readAllBytes(TestData.file("golden/vtest_f100-109_385x385.rgb"));
        int frameBytes = 385 * 385 * 3;
        for (int off = 0; off + frameBytes <= rgb.length; off += frameBytes) {
            frames.add(ImageTensors.fromRgb(rgb, off, 385, 385, ImageTensors.Scale.UNIT));
        }
        dense = new DenseExecutor(g);
        engine = new ChangeBasedEngine(g, Thresholds.uniform(threshold));
        state = engine.newState();
        engine.process(state, frames.get(0));
        next = 1;
        input = g.inputs().get(0).name();
        Tensor frame = frames.get(0);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        session = env.createSession(ConvGraphExport.onnx(g, frame.shape()), options);
        feed = OnnxTensor.createTensor(env, FloatBuffer.wrap(frame.data()), java.util.Arrays.stream(frame.shape()).asLongStream().toArray());
        Map<String, Tensor> expected = dense.run(frame);
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
    public Object dense() {
        return dense.run(frames.get(0));
    }

    @Benchmark
    public Object changeBased() {
        next = (next + 1) % frames.size();
        return engine.process(state, frames.get(next));
    }

    @Benchmark
    public Object onnxRuntime() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(input, feed))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }
}
