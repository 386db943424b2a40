package org.cbinfer.kernels.cb;

import static org.cbinfer.kernels.cb.ChangeBasedPropertiesTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.cpu.Kernel;
import org.cbinfer.kernels.graph.GraphOptimizer;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.kernels.testing.RandomGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-layer dense fallback (docs/algorithm.md): a layer that recomputed more than its break-even fraction of its
 * outputs computes densely until its probe, then re-commits and tries change-based computation again; what a
 * frame computes stays a function of the stream's state, so snapshots carry the layers' modes.
 */
class DenseFallbackTest {
    @TempDir
    Path dir;

    @Property(tries = 150)
    void modesFollowTheBreakEvenAndTheProbeSchedule(@ForAll long seed, @ForAll @DoubleRange(min = 0, max = 1) double breakEven,
                                                   @ForAll @IntRange(min = 1, max = 5) int probeEvery) {
        RandomGraphs.Generated g = RandomGraphs.generate(seed, false);
        DenseFallback fallback = DenseFallback.uniform(breakEven).probeEvery(probeEvery);
        ChangeBasedEngine engine = new ChangeBasedEngine(g.graph(), Thresholds.uniform(0.02f), true, fallback);
        StreamState state = engine.newState();
        List<FrameStats> frames = new ArrayList<>();
        for (Tensor frame : RandomGraphs.frames(seed + 7, g.inputShape(), 14, 0.05f)) frames.add(engine.process(state, frame).stats());
        for (int f = 0; f + 1 < frames.size(); f++) {
            List<LayerStats> now = frames.get(f).layers(), next = frames.get(f + 1).layers();
            for (int step = 0; step < now.size(); step++) {
                LayerStats a = now.get(step), b = next.get(step);
                if (!isDetecting(state, step)) {
                    assertEquals(LayerMode.CHANGE_BASED, b.mode(), "ops without change detection never fall back");
                    continue;
                }
                boolean busy = a.mode() == LayerMode.DENSE || a.mode() == LayerMode.CHANGE_BASED && a.updatedFraction() > breakEven;
                LayerMode expected = !busy ? LayerMode.CHANGE_BASED      // re-keyed, or at most the break-even
                        : (f + 2) % probeEvery == 0 ? LayerMode.REKEY     // the frame before a probe
                        : LayerMode.DENSE;
                assertEquals(expected, b.mode(), a.name() + " at frame " + (f + 1) + " after " + a.mode() + " recomputing "
                        + a.updatedFraction());
                if (b.mode().whole()) {
                    assertEquals(1.0, b.updatedFraction(), b.name() + ": a dense or re-keying frame recomputes every output");
                    assertEquals(b.denseMacs(), b.macs(), b.name() + ": and does the dense work");
                }
            }
        }
    }

    @Property(tries = 150)
    void everyLayerHoldsItsOutputOfTheInputItLastComputedFrom(@ForAll long seed,
                                                             @ForAll @FloatRange(min = 0f, max = 0.3f) float threshold,
                                                             @ForAll @DoubleRange(min = 0, max = 1) double breakEven) {
        RandomGraphs.Generated g = RandomGraphs.generate(seed, false);
        ChangeBasedEngine engine = new ChangeBasedEngine(g.graph(), Thresholds.uniform(threshold), true,
                DenseFallback.uniform(breakEven).probeEvery(3));
        StreamState state = engine.newState();
        for (Tensor frame : RandomGraphs.frames(seed + 3, g.inputShape(), 10, 0.05f)) {
            FrameStats stats = engine.process(state, frame).stats();
            CpuPlan plan = state.plan();
            for (int i = 0; i < plan.steps().size(); i++) {
                CpuPlan.Step step = plan.steps().get(i);
                if (step.kernel().rule() != Kernel.Rule.DETECT) continue;
                // dense frames compute from the current input; every other frame from the committed one
                float[] source = stats.layers().get(i).mode() == LayerMode.DENSE ? state.value(step.inputSlots()[0])
                        : state.committedInput(i);
                float[] recomputed = new float[state.value(step.outputSlot()).length];
                step.kernel().compute(new float[][] {source}, recomputed, null, 0);
                assertClose(Tensor.of(step.outputShape(), recomputed), Tensor.of(step.outputShape(),
                        state.value(step.outputSlot())), 1e-5, step.node().name() + " after a " + stats.layers().get(i).mode() + " frame");
            }
        }
    }

    @Property(tries = 150)
    void aStreamRestoredWhileLayersComputeDenselyContinuesBitIdentically(
            @ForAll long seed, @ForAll @DoubleRange(min = 0, max = 1) double breakEven, @ForAll @IntRange(min = 1, max = 9) int cut) {
        RandomGraphs.Generated g = RandomGraphs.generate(seed, false);
        ChangeBasedEngine engine = new ChangeBasedEngine(g.graph(), Thresholds.uniform(0.05f), true,
                DenseFallback.uniform(breakEven).probeEvery(4));
        List<Tensor> frames = RandomGraphs.frames(seed * 17, g.inputShape(), 14, 0.05f);
        StreamState live = engine.newState();
        for (Tensor f : frames.subList(0, cut)) engine.process(live, f);
        StreamState restored = engine.restore(copy(live.snapshot()));
        for (Tensor f : frames.subList(cut, frames.size())) {
            FrameResult a = engine.process(live, f);
            FrameResult b = engine.process(restored, f);
            for (int i = 0; i < a.stats().layers().size(); i++) {
                assertEquals(a.stats().layers().get(i).mode(), b.stats().layers().get(i).mode(), "mode of layer " + i);
            }
            for (Map.Entry<String, Tensor> e : a.outputs().entrySet()) {
                assertArrayEquals(e.getValue().data(), b.outputs().get(e.getKey()).data(), e.getKey());
            }
        }
    }

    @Test
    void withBreakEvenZeroAChangedLayerGoesDenseAndProbesBack() {
        RandomGraphs.Generated g = RandomGraphs.generate(21, false);
        for (long seed = 22; ChangeBasedEngine.changeBasedLayers(GraphOptimizer.optimize(g.graph())).isEmpty(); seed++) {
            g = RandomGraphs.generate(seed, false);  // the first random graph with a convolution
        }
        ChangeBasedEngine engine = new ChangeBasedEngine(g.graph(), Thresholds.uniform(0f), true,
                DenseFallback.uniform(0).probeEvery(3));
        StreamState state = engine.newState();
        List<LayerMode> first = new ArrayList<>();
        int layer = -1;
        for (Tensor frame : RandomGraphs.frames(9, g.inputShape(), 12, 0.5f)) {
            FrameStats stats = engine.process(state, frame).stats();
            if (layer < 0) layer = firstDetecting(state);
            first.add(stats.layers().get(layer).mode());
        }
        int dense = first.indexOf(LayerMode.DENSE), rekey = first.subList(Math.max(dense, 0), first.size()).indexOf(LayerMode.REKEY);
        assertTrue(dense > 0 && rekey > 0, "the first change-based layer went dense and re-keyed: " + first);
        assertEquals(LayerMode.CHANGE_BASED, first.get(dense + rekey + 1), "and probed change-based computation: " + first);
    }

    @Test
    void breakEvenOneNeverFallsBack() {
        RandomGraphs.Generated g = RandomGraphs.generate(11, false);
        ChangeBasedEngine engine = new ChangeBasedEngine(g.graph(), Thresholds.uniform(0f), true, DenseFallback.uniform(1.0));
        StreamState state = engine.newState();
        for (Tensor frame : RandomGraphs.frames(5, g.inputShape(), 6, 0.5f)) {
            FrameStats stats = engine.process(state, frame).stats();
            if (stats.keyframe()) continue;
            stats.layers().forEach(l -> assertEquals(LayerMode.CHANGE_BASED, l.mode(), l.name()));
        }
    }

    @Test
    void writeThenReadGivesTheSameFallback() throws IOException {
        DenseFallback f = DenseFallback.of(0.8, Map.of("conv1", 0.25, "conv2", 0.0)).probeEvery(8);
        Path file = dir.resolve("fallback.json");
        f.write(file);
        DenseFallback back = DenseFallback.read(file);
        assertEquals(0.8, back.breakEven("other"));
        assertEquals(0.25, back.breakEven("conv1"));
        assertEquals(0.0, back.breakEven("conv2"));
        assertEquals(8, back.probeEvery());
    }

    @Test
    void malformedFilesAndValuesAreRejectedNamingTheProblem() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"default\": 0.5, \"layers\": {\"conv1\": 1.5}}");
        IOException e = assertThrows(IOException.class, () -> DenseFallback.read(file));
        assertTrue(e.getMessage().contains("break-even of conv1 must be in [0, 1]"), e.getMessage());
        Files.writeString(file, "{\"probeEvery\": 0}");
        e = assertThrows(IOException.class, () -> DenseFallback.read(file));
        assertTrue(e.getMessage().contains("probeEvery must be >= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DenseFallback.uniform(Double.NaN));
    }

    @Test
    void aBreakEvenForALayerTheModelDoesNotHaveIsRefused() {
        RandomGraphs.Generated g = RandomGraphs.generate(3, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ChangeBasedEngine(g.graph(),
                Thresholds.uniform(0f), true, DenseFallback.of(1.0, Map.of("no-such-layer", 0.5))));
        assertTrue(e.getMessage().contains("no-such-layer"), e.getMessage());
    }

    private static int firstDetecting(StreamState state) {
        for (int i = 0; ; i++) if (isDetecting(state, i)) return i;
    }

    private static boolean isDetecting(StreamState state, int step) {
        return state.plan().steps().get(step).kernel().rule() == Kernel.Rule.DETECT;
    }

    /** A deep copy, as a checkpoint would hold it (the live snapshot shares the state's arrays). */
    private static StateSnapshot copy(StateSnapshot s) {
        return new StateSnapshot(s.inputShapes(), s.frames(), s.lastInputs().stream().map(float[]::clone).toList(),
                s.committed().stream().map(float[]::clone).toList(), s.layerModes());
    }
}
