package org.cbinfer.kernels.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.StreamState;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;
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
 * One 3x3 convolution layer (SAME, ReLU) on the CPU: the dense pass against the change-based pass when a
 * given fraction of input pixels changed (random pixels, threshold 0). Each change-based invocation
 * alternates between two frames that differ at exactly those pixels, so every call detects, dilates,
 * gathers, multiplies and scatters that fraction.
 *
 * <pre>./mvnw -q -B -pl kernels test-compile exec:exec@jmh -Djmh.args="ConvBenchmark"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    /** Input channels = output channels. */
    @Param({"64"})
    public int channels;

    @Param({"96x128"})
    public String size;

    @Param({"0.01", "0.1", "1.0"})
    public double changed;

    private DenseExecutor dense;
    private ChangeBasedEngine engine;
    private StreamState state;
    private Tensor a;
    private Tensor b;
    private boolean flip;

    @Setup
    public void setup() {
        int h = Integer.parseInt(size.split("x")[0]), w = Integer.parseInt(size.split("x")[1]);
        Random r = new Random(42);
        float[] weights = new float[channels * channels * 9];
        for (int i = 0; i < weights.length; i++) weights[i] = (float) r.nextGaussian() * 0.05f;
        Graph g = Graph.builder().input("x", 1, channels, h, w)
                .node("conv", new Conv2d(Tensor.of(new int[] {channels, channels, 3, 3}, weights), new float[channels],
                        Window.of(3, 3, 1, Padding.SAME), 1, Activation.RELU), "x")
                .output("conv").build();
        dense = new DenseExecutor(g);
        engine = new ChangeBasedEngine(g, Thresholds.uniform(0f));
        state = engine.newState();
        float[] da = new float[channels * h * w];
        for (int i = 0; i < da.length; i++) da[i] = r.nextFloat();
        float[] db = da.clone();
        int plane = h * w;
        for (int p = 0; p < plane; p++) {
            if (r.nextDouble() < changed) {
                for (int c = 0; c < channels; c++) db[c * plane + p] += 0.5f;
            }
        }
        a = Tensor.of(new int[] {1, channels, h, w}, da);
        b = Tensor.of(new int[] {1, channels, h, w}, db);
        engine.process(state, a);
    }

    @Benchmark
    public Object dense() {
        return dense.run(a);
    }

    @Benchmark
    public Object changeBased() {
        flip = !flip;
        return engine.process(state, flip ? b : a);
    }
}
