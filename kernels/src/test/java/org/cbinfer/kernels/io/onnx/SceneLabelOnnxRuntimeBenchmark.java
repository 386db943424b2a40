package org.cbinfer.kernels.io.onnx;

import ai.onnxruntime.OrtException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.StreamState;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.tfjs.GoldenFrames;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
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
    private List<Tensor> frames;
    private int next;
    private OnnxRuntimePeer peer;

    @Setup
    public void setup() throws Exception {
        Graph g = ReferenceNetworks.sceneLabel().graph();
        frames = GoldenFrames.frames("vtest_f100-109_385x385.rgb", 385, 385, ImageTensors.Scale.UNIT);
        dense = new DenseExecutor(g);
        engine = new ChangeBasedEngine(g, Thresholds.uniform(threshold));
        state = engine.newState();
        engine.process(state, frames.get(0));
        next = 1;
        peer = new OnnxRuntimePeer(ConvGraphExport.onnx(g, frames.get(0).shape()), g.inputs().get(0).name(), frames.get(0));
        peer.checkAgrees(dense.run(frames.get(0)));
    }

    @TearDown
    public void tearDown() throws OrtException {
        peer.close();
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
    public float onnxRuntime() throws OrtException {
        return peer.run();
    }
}
