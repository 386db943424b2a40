package org.cbinfer.kernels.io.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.cbinfer.kernels.cb.ChangeBasedSession;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * ONNX's own operator tests run by the engine: every case not in {@code conformance-exclusions.txt}
 * matches ONNX's expected outputs within ONNX's tolerance, both dense and change-based (threshold 0, the
 * test input arriving as the second frame after an unrelated random one). Prints passed/total per suite.
 */
class OnnxConformanceTest {
    private static final Map<String, String> EXCLUDED = ConformanceExclusions.load();
    private static final Map<String, Tally> TALLIES = new ConcurrentHashMap<>();

    @TestFactory
    Stream<DynamicNode> onnxNodeCasesMatchTheExpectedOutputs() {
        return suite("onnx-node");
    }

    @TestFactory
    Stream<DynamicNode> onnxPytorchCasesMatchTheExpectedOutputs() {
        return suite("onnx-pytorch");
    }

    @AfterAll
    static void printTallies() {
        TALLIES.values().stream().sorted((a, b) -> a.suite.compareTo(b.suite)).forEach(t -> System.out.println(t));
    }

    private static Stream<DynamicNode> suite(String suite) {
        return OnnxTestCase.dynamicTests(suite, cases -> tests(suite, cases));
    }

    private static Stream<DynamicNode> tests(String suite, List<OnnxTestCase> cases) {
        Tally tally = TALLIES.computeIfAbsent(suite, s -> new Tally(s, cases.size()));
        return cases.stream().map(c -> {
            String reason = EXCLUDED.get(c.id());
            if (reason != null) {
                tally.excluded++;
                return DynamicTest.dynamicTest(c.name(), () -> Assumptions.abort("excluded: " + reason));
            }
            CaseResult result = new CaseResult(tally);
            return DynamicContainer.dynamicContainer(c.name(), Stream.of(
                    DynamicTest.dynamicTest("dense", result.track(() -> dense(new ConformanceCase(c)))),
                    DynamicTest.dynamicTest("change-based, second frame", result.track(() -> changeBased(new ConformanceCase(c))))));
        });
    }

    private static void dense(ConformanceCase c) {
        DenseExecutor executor = new DenseExecutor(c.importGraph());
        List<Map<String, Tensor>> frames = c.frames();
        List<Map<String, Tensor>> expected = c.expectedOutputs();
        for (int i = 0; i < frames.size(); i++) {
            Tolerance.ONNX.assertClose(expected.get(i), executor.run(frames.get(i)), c.id() + " dense, sample " + i);
        }
    }

    private static void changeBased(ConformanceCase c) {
        Graph graph = c.importGraph();
        ChangeBasedSession session = new ChangeBasedSession(graph, Thresholds.uniform(0f));
        List<Map<String, Tensor>> frames = c.frames();
        List<Map<String, Tensor>> expected = c.expectedOutputs();
        session.process(randomLike(frames.get(0), c.id().hashCode()));
        for (int i = 0; i < frames.size(); i++) {
            Tolerance.ONNX.assertClose(expected.get(i), session.process(frames.get(i)).outputs(),
                    c.id() + " change-based, sample " + i + " as frame " + (i + 2));
        }
    }

    /** A frame of the same shapes with unrelated values (standard normal, like ONNX's test inputs). */
    private static Map<String, Tensor> randomLike(Map<String, Tensor> frame, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> m = new java.util.LinkedHashMap<>();
        frame.forEach((name, t) -> {
            float[] v = new float[t.size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            m.put(name, Tensor.of(t.shape(), v));
        });
        return m;
    }

    /** Counts a case as passed when all its checks pass. */
    private static final class CaseResult {
        private final Tally tally;
        private final List<Boolean> outcomes = new ArrayList<>();

        CaseResult(Tally tally) {
            this.tally = tally;
        }

        Executable track(Executable check) {
            return () -> {
                boolean ok = false;
                try {
                    check.execute();
                    ok = true;
                } finally {
                    outcomes.add(ok);
                    if (outcomes.size() == 2 && !outcomes.contains(false)) tally.passed++;
                }
            };
        }
    }

    /** Passed, excluded and total cases of one suite. */
    private static final class Tally {
        private final String suite;
        private final int total;
        private int passed;
        private int excluded;

        Tally(String suite, int total) {
            this.suite = suite;
            this.total = total;
        }

        @Override
        public String toString() {
            return suite + ": " + passed + "/" + total + " passed (" + excluded + " excluded, "
                    + (total - passed - excluded) + " failed)";
        }
    }
}
