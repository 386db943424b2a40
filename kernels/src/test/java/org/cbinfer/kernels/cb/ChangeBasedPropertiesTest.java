package org.cbinfer.kernels.cb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.Scale;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.cpu.Kernel;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.Node;
import org.cbinfer.kernels.graph.ops.BatchNorm;
import org.cbinfer.kernels.graph.ops.Binary;
import org.cbinfer.kernels.graph.ops.Concat;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.ConvTranspose2d;
import org.cbinfer.kernels.graph.ops.Unary;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.kernels.testing.RandomGraphs;

/**
 * The change-based engine's contract (docs/algorithm.md), checked on random graphs and random frame sequences:
 * exactness at threshold 0, the per-layer invariants after every frame, and a derived error bound for
 * positive thresholds.
 */
class ChangeBasedPropertiesTest {

    @Property(tries = 300)
    void withThresholdZeroEveryFrameEqualsTheDensePass(@ForAll long seed) {
        RandomGraphs.Generated g = RandomGraphs.generate(seed, false);
        DenseExecutor dense = new DenseExecutor(g.graph());
        ChangeBasedSession cb = new ChangeBasedSession(g.graph(), Thresholds.uniform(0f));
        for (Tensor frame : RandomGraphs.frames(seed ^ 0x5eed, g.inputShape(), 6, 0.01f)) {
            Map<String, Tensor> expected = dense.run(frame);
            Map<String, Tensor> actual = cb.process(frame).outputs();
            expected.forEach((name, t) -> assertClose(t, actual.get(name), 1e-5, name));
        }
    }

    @Property(tries = 200)
    void afterEveryFrameEachLayerHoldsItsOutputOfItsCommittedInputAndCommitsWithinThreshold(
            @ForAll long seed, @ForAll @FloatRange(min = 0f, max = 0.5f) float threshold) {
        RandomGraphs.Generated g = RandomGraphs.generate(seed, false);
        ChangeBasedEngine engine = new ChangeBasedEngine(g.graph(), Thresholds.uniform(threshold));
        StreamState state = engine.newState();
        for (Tensor frame : RandomGraphs.frames(seed + 1, g.inputShape(), 6, 0.05f)) {
            engine.process(state, frame);
            CpuPlan plan = state.plan();
            for (int i = 0; i < plan.steps().size(); i++) {
                CpuPlan.Step step = plan.steps().get(i);
                if (step.kernel().rule() != Kernel.Rule.DETECT) continue;
                float[] committed = state.committedInput(i);
                float[] recomputed = new float[state.value(step.outputSlot()).length];
                step.kernel().compute(new float[][] {committed}, recomputed, null, 0);
                assertClose(Tensor.of(step.outputShape(), recomputed),
                        Tensor.of(step.outputShape(), state.value(step.outputSlot())), 1e-5, step.node().name());
                float[] seen = state.value(step.inputSlots()[0]);
                for (int k = 0; k < seen.length; k++) {
                    assertTrue(Math.abs(seen[k] - committed[k]) <= threshold,
                            step.node().name() + ": committed input " + committed[k] + " is more than " + threshold
                                    + " from the input seen " + seen[k] + " at " + k);
                }
            }
        }
    }

    @Property(tries = 200)
    void withPositiveThresholdsTheOutputsStayWithinTheDerivedBound(
            @ForAll long seed, @ForAll @FloatRange(min = 0.001f, max = 0.3f) @Scale(3) float threshold) {
        RandomGraphs.Generated g = RandomGraphs.generate(seed, true);
        DenseExecutor dense = new DenseExecutor(g.graph());
        ChangeBasedEngine engine = new ChangeBasedEngine(g.graph(), Thresholds.uniform(threshold));
        Map<String, Double> bound = errorBounds(engine.graph(), threshold);
        StreamState state = engine.newState();
        for (Tensor frame : RandomGraphs.frames(seed + 7, g.inputShape(), 8, 0.02f)) {
            Map<String, Tensor> expected = dense.run(frame);
            Map<String, Tensor> actual = engine.process(state, frame).outputs();
            for (String name : expected.keySet()) {
                double err = maxAbsDiff(expected.get(name), actual.get(name));
                double allowed = bound.get(name) * (1 + 1e-4) + 1e-5 * (1 + maxAbs(expected.get(name)));
                assertTrue(err <= allowed, name + ": error " + err + " exceeds bound " + allowed);
            }
        }
    }

    @Property(tries = 100)
    void aFrameIdenticalToTheLastDoesNoWork(@ForAll long seed) {
        RandomGraphs.Generated g = RandomGraphs.generate(seed, false);
        ChangeBasedSession cb = new ChangeBasedSession(g.graph(), Thresholds.uniform(0.05f));
        Tensor frame = RandomGraphs.frames(seed, g.inputShape(), 1, 0f).get(0);
        FrameResult first = cb.process(frame);
        FrameResult again = cb.process(frame.copy());
        assertTrue(first.stats().keyframe());
        assertEquals(0, again.stats().macs(), "MACs on an unchanged frame");
        first.outputs().forEach((name, t) -> assertClose(t, again.outputs().get(name), 0, name));
    }

    /**
     * Max-abs error bound of every value against the dense pass: a convolution turns an input error e into
     * at most L * (e + th), L = activation slope x the largest L1 norm of an output channel's weights;
     * window ops, pads and resizes (convex weights) pass errors through, adds sum them, activations scale
     * them by their slope.
     */
    private static Map<String, Double> errorBounds(Graph graph, float th) {
        Map<String, Double> e = new HashMap<>();
        graph.inputs().forEach(i -> e.put(i.name(), 0.0));
        graph.constants().keySet().forEach(c -> e.put(c, 0.0));
        for (Node n : graph.nodes()) {
            List<Double> in = n.inputs().stream().map(e::get).toList();
            double out;
            if (n.op() instanceof Conv2d c) {
                out = c.activation().lipschitz() * maxRowL1(c.weight(), c.outChannels(), false, 1) * (in.get(0) + th);
            } else if (n.op() instanceof ConvTranspose2d t) {
                out = t.activation().lipschitz() * maxRowL1(t.weight(), t.outChannels(), true, t.groups()) * (in.get(0) + th);
            } else if (n.op() instanceof Unary u) {
                out = u.activation().lipschitz() * in.get(0);
            } else if (n.op() instanceof BatchNorm bn) {
                double m = 0;
                for (int c = 0; c < bn.scale().length; c++) m = Math.max(m, Math.abs(bn.multiplier(c)));
                out = m * in.get(0);
            } else if (n.op() instanceof Binary b) {
                assertEquals(Binary.Kind.ADD, b.kind(), "bound test graphs only add");
                out = in.get(0) + in.get(1);
            } else if (n.op() instanceof Concat) {
                out = in.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            } else {
                out = in.get(0); // pooling, resize, pad: weights are non-negative and sum to at most 1
            }
            e.put(n.name(), out);
        }
        return e;
    }

    private static double maxRowL1(Tensor w, int cout, boolean transposed, int groups) {
        double[] sums = new double[cout];
        float[] d = w.data();
        if (!transposed) {
            int per = d.length / cout;
            for (int o = 0; o < cout; o++) for (int j = 0; j < per; j++) sums[o] += Math.abs(d[o * per + j]);
        } else {
            int cin = w.dim(0), coutG = w.dim(1), kk = w.dim(2) * w.dim(3), cinG = cin / groups;
            for (int ci = 0; ci < cin; ci++) {
                for (int j = 0; j < coutG; j++) {
                    for (int q = 0; q < kk; q++) sums[(ci / cinG) * coutG + j] += Math.abs(d[(ci * coutG + j) * kk + q]);
                }
            }
        }
        double m = 0;
        for (double s : sums) m = Math.max(m, s);
        return m;
    }

    static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.data()) m = Math.max(m, Math.abs(v));
        return m;
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        return m;
    }

    /** Elementwise |a - b| <= rel * (1 + max|a|): relative to the tensor's scale. */
    static void assertClose(Tensor expected, Tensor actual, double rel, String what) {
        assertEquals(java.util.Arrays.toString(expected.shapeRef()), java.util.Arrays.toString(actual.shapeRef()), what + " shape");
        double tol = rel * (1 + maxAbs(expected));
        for (int i = 0; i < expected.size(); i++) {
            float x = expected.data()[i], y = actual.data()[i];
            if (!(Math.abs(x - y) <= tol) && !(Float.isNaN(x) && Float.isNaN(y))) {
                throw new AssertionError(what + "[" + i + "]: expected " + x + " got " + y + " (tolerance " + tol + ")");
            }
        }
    }

}
