package org.cbinfer.kernels.io.onnx;

import ai.onnxruntime.OrtException;
import java.util.concurrent.TimeUnit;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.tfjs.GoldenFrames;
import org.cbinfer.kernels.io.tfjs.TfjsModelLoader;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.testkit.TestData;
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
    private OnnxRuntimePeer peer;

    @Setup
    public void setup() throws Exception {
        Graph g = TfjsModelLoader.load(TestData.file("models/tfjs/posenet.json"));
        frame = GoldenFrames.inputs("posenet", "vtest_f100-109_385x385.rgb").get(0);
        ours = new DenseExecutor(g);
        peer = new OnnxRuntimePeer(ConvGraphExport.onnx(g, frame.shape()), g.inputs().get(0).name(), frame);
        peer.checkAgrees(ours.run(frame));
    }

    @TearDown
    public void tearDown() throws OrtException {
        peer.close();
    }

    @Benchmark
    public Object ours() {
        return ours.run(frame);
    }

    @Benchmark
    public float onnxRuntime() throws OrtException {
        return peer.run();
    }
}
