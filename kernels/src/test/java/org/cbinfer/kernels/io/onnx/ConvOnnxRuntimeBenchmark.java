package org.cbinfer.kernels.io.onnx;

import static org.cbinfer.kernels.io.onnx.OnnxModelBuilder.attr;
import static org.cbinfer.kernels.io.onnx.OnnxModelBuilder.in;

import ai.onnxruntime.OrtException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cbinfer.kernels.cpu.DenseExecutor;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One convolution layer (3x3, SAME, ReLU) as an ONNX model, run dense by our CPU backend (imported by our ONNX
 * importer) and by ONNX Runtime's CPU provider with every optimisation and as many threads as our pool has cores,
 * on the same input in the same JVM (outputs checked to agree before timing): the CPU peer side by side.
 *
 * <pre>./mvnw -q -B -pl kernels test-compile exec:exec@jmh -Djmh.args="ConvOnnxRuntimeBenchmark"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
public class ConvOnnxRuntimeBenchmark {
    /** Input channels = output channels. */
    @Param({"64"})
    public int channels;

    @Param({"96x128"})
    public String size;

    private DenseExecutor ours;
    private Tensor input;
    private OnnxRuntimePeer peer;

    @Setup
    public void setup() throws OrtException {
        int h = Integer.parseInt(size.split("x")[0]), w = Integer.parseInt(size.split("x")[1]);
        Random r = new Random(42);
        float[] weights = new float[channels * channels * 9], bias = new float[channels], x = new float[channels * h * w];
        for (int i = 0; i < weights.length; i++) weights[i] = (float) r.nextGaussian() * 0.05f;
        for (int i = 0; i < bias.length; i++) bias[i] = (float) r.nextGaussian() * 0.1f;
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        byte[] model = OnnxModelBuilder.opset(13).input("x", 1, channels, h, w).output("y")
                .initializer("W", Tensor.of(new int[] {channels, channels, 3, 3}, weights))
                .initializer("B", Tensor.of(new int[] {channels}, bias))
                .node("Conv", in("x", "W", "B"), "c", attr("kernel_shape", 3L, 3L), attr("pads", 1L, 1L, 1L, 1L))
                .node("Relu", in("c"), "y").bytes();
        ours = new DenseExecutor(OnnxModelLoader.load(model));
        input = Tensor.of(new int[] {1, channels, h, w}, x);
        peer = new OnnxRuntimePeer(model, "x", input);
        peer.checkAgrees(ours.run(input));
    }

    @TearDown
    public void tearDown() throws OrtException {
        peer.close();
    }

    @Benchmark
    public Object ours() {
        return ours.run(input);
    }

    @Benchmark
    public float onnxRuntime() throws OrtException {
        return peer.run();
    }
}
