package org.cbinfer.kernels.io.onnx;

import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.cbinfer.kernels.cb.ChangeBasedSession;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Random convolutional ONNX models ({@link RandomConvModels}), serialized to bytes, give the same outputs
 * (within 1e-4 relative) in ONNX Runtime and in the engine, dense and change-based (threshold 0, the input
 * as the second frame after an unrelated one). The seeds are fixed, so every failure is reproducible; set
 * {@code -Donnx.differential.seeds=N} to try N seeds.
 */
class OnnxDifferentialTest {
    private static final Tolerance TOLERANCE = new Tolerance(1e-4, 1e-5);
    private static final int SEEDS = Integer.getInteger("onnx.differential.seeds", 150);

    @TestFactory
    Stream<DynamicTest> randomConvolutionModelsMatchOnnxRuntime() {
        return LongStream.rangeClosed(1, SEEDS).mapToObj(RandomConvModels::generate)
                .map(m -> DynamicTest.dynamicTest(m.toString(), () -> check(m)));
    }

    private static void check(RandomConvModels.Model m) {
        Map<String, Tensor> input = Map.of("x", m.input());
        Map<String, Tensor> expected = OnnxRuntimeReference.run(m.bytes(), input);
        Graph graph = OnnxModelLoader.load(m.bytes());
        TOLERANCE.assertClose(expected, new DenseExecutor(graph).run(input), m + ", dense");
        ChangeBasedSession session = new ChangeBasedSession(graph, Thresholds.uniform(0f));
        session.process(Map.of("x", RandomConvModels.normal(new Random(-m.seed()), 1.0, m.input().shape())));
        TOLERANCE.assertClose(expected, session.process(input).outputs(), m + ", change-based second frame");
    }
}
