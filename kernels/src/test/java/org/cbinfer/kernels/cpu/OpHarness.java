package org.cbinfer.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cbinfer.kernels.cb.ChangeBasedSession;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.GraphInput;
import org.cbinfer.kernels.graph.ops.Op;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Runs a tiny graph the two ways the engine can and checks both against hand-computed values:
 * <ol>
 *   <li>densely ({@link DenseExecutor});</li>
 *   <li>change-based at threshold 0, twice: once after a first frame that differs from the test frame
 *       everywhere, once after a first frame that differs only at every third spatial position (so the
 *       change-based kernels take their partial "compute at these positions" path); the test frame must
 *       not be a keyframe, must give the expected values, and a repeat of it must give them again.</li>
 * </ol>
 */
public final class OpHarness {
    /** Relative tolerance: |actual - expected| <= TOL * (1 + |expected|). */
    public static final double TOL = 1e-5;

    private OpHarness() {}

    public static int[] shape(int... dims) {
        return dims;
    }

    public static Tensor t(int[] shape, float... values) {
        return Tensor.of(shape, values);
    }

    /** 0, 1, 2, ... in row-major order. */
    public static Tensor iota(int... shape) {
        float[] v = new float[Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return Tensor.of(shape, v);
    }

    /** A one-node graph {@code x -> op -> y}. */
    public static Graph single(Op op, int... inputShape) {
        return Graph.builder().input("x", inputShape).node("y", op, "x").output("y").build();
    }

    /** A one-node graph {@code (x, k) -> op -> y} with {@code k} a constant second operand. */
    public static Graph withConstant(Op op, Tensor constant, int... inputShape) {
        return Graph.builder().input("x", inputShape).constant("k", constant).node("y", op, "x", "k").output("y").build();
    }

    /** Single input, single output: dense and change-based both give {@code expected}. */
    public static void assertComputes(Graph graph, Tensor input, Tensor expected) {
        assertComputes(graph, Map.of(graph.inputs().get(0).name(), input), Map.of(graph.outputs().get(0), expected));
    }

    public static void assertComputes(Graph graph, Map<String, Tensor> inputs, Map<String, Tensor> expected) {
        Map<String, Tensor> dense = new DenseExecutor(graph).run(inputs);
        expected.forEach((name, e) -> assertClose(e, dense.get(name), "dense " + name));

        for (boolean partial : new boolean[] {false, true}) {
            String how = partial ? "change-based after a partly different frame " : "change-based after an unrelated frame ";
            ChangeBasedSession cb = new ChangeBasedSession(graph, Thresholds.uniform(0f));
            Map<String, Tensor> first = new LinkedHashMap<>();
            for (GraphInput in : graph.inputs()) first.put(in.name(), perturbed(inputs.get(in.name()), partial));
            assertTrue(cb.process(first).stats().keyframe(), "first frame is a keyframe");
            FrameResult r = cb.process(inputs);
            assertFalse(r.stats().keyframe(), "second frame is not a keyframe");
            expected.forEach((name, e) -> assertClose(e, r.outputs().get(name), how + name));
            FrameResult again = cb.process(inputs);
            expected.forEach((name, e) -> assertClose(e, again.outputs().get(name), how + name + " (repeated frame)"));
        }
    }

    /**
     * The test frame with other values: at every element, or (partial, images only) at all channels of the
     * spatial positions p with p % 3 == 0.
     */
    static Tensor perturbed(Tensor x, boolean partial) {
        float[] d = x.data().clone();
        int[] s = x.shapeRef();
        boolean image = Shapes.isImage(s);
        int plane = image ? s[2] * s[3] : 1;
        for (int i = 0; i < d.length; i++) {
            if (!partial || !image || (i % plane) % 3 == 0) d[i] = d[i] + 0.75f + (i % 5) * 0.5f;
        }
        return Tensor.of(s, d);
    }

    public static void assertClose(Tensor expected, Tensor actual, String what) {
        assertNotNull(actual, what + ": no such output");
        assertArrayEquals(expected.shapeRef(), actual.shapeRef(), what + ": shape " + Shapes.str(actual.shapeRef())
                + ", expected " + Shapes.str(expected.shapeRef()));
        for (int i = 0; i < expected.size(); i++) {
            float e = expected.data()[i], a = actual.data()[i];
            if (!(Math.abs(e - a) <= TOL * (1 + Math.abs(e)))) {
                throw new AssertionError(what + ": element " + i + " is " + a + ", expected " + e
                        + "\n  expected " + java.util.Arrays.toString(expected.data())
                        + "\n  actual   " + java.util.Arrays.toString(actual.data()));
            }
        }
    }
}
