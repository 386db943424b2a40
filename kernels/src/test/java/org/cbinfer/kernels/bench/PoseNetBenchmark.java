package org.cbinfer.kernels.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.StreamState;
import org.cbinfer.kernels.cb.Thresholds;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * PoseNet (real weights) at 385x385 on the CPU over the ten consecutive vtest.avi frames of the golden
 * set, dense and change-based. The change-based stream cycles through the frames in order (the jump
 * from the last back to the first is a large change once every ten frames, as a scene cut would be).
 *
 * <pre>./mvnw -q -B -pl kernels test-compile exec:exec@jmh -Djmh.args="PoseNetBenchmark"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
public class PoseNetBenchmark {
    @Param({"0.0", "0.03", "0.1"})
    public float threshold;

    private DenseExecutor dense;
    private ChangeBasedEngine engine;
    private StreamState state;
    private final List<Tensor> frames = new ArrayList<>();
    private int next;

    @Setup
    public void setup() throws Exception {
        Graph g = TfjsModelLoader.load(TestData.file("models/tfjs/posenet.json"));
        frames.addAll(GoldenFrames.inputs("posenet", "vtest_f100-109_385x385.rgb"));
        dense = new DenseExecutor(g);
        engine = new ChangeBasedEngine(g, Thresholds.uniform(threshold));
        state = engine.newState();
        engine.process(state, frames.get(0));
        next = 1;
    }

    @Benchmark
    public Object dense() {
        next = (next + 1) % frames.size();
        return dense.run(frames.get(next));
    }

    @Benchmark
    public Object changeBased() {
        next = (next + 1) % frames.size();
        return engine.process(state, frames.get(next));
    }
}
