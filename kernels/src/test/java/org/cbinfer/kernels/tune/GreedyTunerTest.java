package org.cbinfer.kernels.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The greedy tuner on a network where the loss is a known function of the thresholds. Two 1x1 identity
 * convolutions c1, c2 over a row of pixels; frame 0 is black, frame 1 raises pixel j by {@code D[j]}. A pixel
 * whose rise is not above a layer's threshold is not recomputed by that layer and stays 0, so the largest
 * output error is {@code max{D[j] : D[j] <= max(th1, th2)}}: with th0 = 0.05 and growth 1.2 the thresholds tried
 * are 0.05, 0.06, 0.072, 0.0864, 0.10368, ... and the rises sit between them, so each answer is worked out by hand.
 */
class GreedyTunerTest {
    private static final float[] D = {0.045f, 0.055f, 0.065f, 0.08f, 0.095f, 0.11f, 0.13f, 0.15f, 0.17f, 0.19f};

    private static Conv2d identity() {
        return new Conv2d(Tensor.of(new int[] {1, 1, 1, 1}, new float[] {1f}), null, Window.of(1, 1, 1, Padding.VALID), 1, null);
    }

    static final Graph NET = Graph.builder().input("x", 1, 1, 1, D.length)
            .node("c1", identity(), "x").node("c2", identity(), "c1").output("c2").build();

    static List<Map<String, Tensor>> frames() {
        return List.of(Map.of("x", Tensor.zeros(1, 1, 1, D.length)), Map.of("x", Tensor.of(new int[] {1, 1, 1, D.length}, D.clone())));
    }

    static Backend backend(Thresholds t) {
        return Backend.builder().graph(NET).thresholds(t).build();
    }

    private static GreedyTuner.Builder tuner() {
        return GreedyTuner.builder().backends(GreedyTunerTest::backend).frames(frames()).loss(Losses.maxAbsError(List.of()));
    }

    /** th0 * growth^k computed the way the tuner does (float multiplications), so comparisons are exact. */
    private static float step(float th0, int k) {
        float t = th0;
        for (int i = 0; i < k; i++) t *= 1.2f;
        return t;
    }

    @Nested
    class OneLayer {
        @Test
        void growsTheThresholdWhileTheLossStaysWithinTheBudgetAndStepsBackOnce() throws IOException {
            // loss(0.05) = 0.045, loss(0.06) = 0.055, loss(0.072) = 0.065 <= 0.07; loss(0.0864) = 0.08 > 0.07: back to 0.072
            GreedyTuner.Result r = tuner().layers(List.of("c1")).budget(LossBudget.uniform(0.07)).build().tune();
            assertEquals(step(0.05f, 2), r.thresholds().of("c1"));
            assertEquals(0f, r.thresholds().of("c2"), "an untuned layer keeps its threshold");
            assertEquals(0.065f, r.last().loss(), 1e-7);
            assertEquals(4, r.layers().get(0).tried());
            assertEquals(0.0, r.start().loss(), "threshold 0 everywhere reproduces the dense outputs");
        }

        @Test
        void stepsDownWhenTheFirstThresholdIsAlreadyTooMuch() throws IOException {
            // from 0.2 down: 0.1667, 0.1389, 0.1157, 0.0965, 0.0804, 0.0670, 0.0558 (loss 0.055 > 0.05), 0.0465 (0.045)
            GreedyTuner.Result r = tuner().layers(List.of("c1")).initialThreshold(0.2f).budget(LossBudget.uniform(0.05)).build().tune();
            float expected = 0.2f;
            for (int i = 0; i < 8; i++) expected /= 1.2f;
            assertEquals(expected, r.thresholds().of("c1"));
            assertEquals(0.045f, r.last().loss(), 1e-7);
            assertEquals(9, r.layers().get(0).tried());
        }

        @Test
        void keepsTheCurrentThresholdWhenNothingWithinReachFitsTheBudget() throws IOException {
            // 0.2 and three steps down (0.1157 at the lowest) all lose more than 0.04
            GreedyTuner.Result r = tuner().layers(List.of("c1")).initialThreshold(0.2f).maxSteps(3)
                    .start(Thresholds.uniform(0.01f)).budget(LossBudget.uniform(0.04)).build().tune();
            assertEquals(0.01f, r.thresholds().of("c1"));
            assertEquals(0.0, r.last().loss());
            assertEquals(4, r.layers().get(0).tried());
        }

        @Test
        void stopsGrowingAfterMaxStepsWhenTheLossNeverExceedsTheBudget() throws IOException {
            GreedyTuner.Result r = tuner().layers(List.of("c1")).maxSteps(3).budget(LossBudget.uniform(1.0)).build().tune();
            assertEquals(step(0.05f, 3), r.thresholds().of("c1"));
        }
    }

    @Nested
    class FrontToBack {
        @Test
        void eachLayerMayAddItsOwnBudgetToTheLossTheLayersBeforeItLeft() throws IOException {
            // c1 as above: 0.072 (loss 0.065). c2 may reach 0.065 + 0.02 = 0.085: loss is max{D <= max(0.072, th2)},
            // 0.0864 -> 0.08 fits, 0.10368 -> 0.095 does not: c2 = 0.0864.
            List<float[]> seen = new ArrayList<>();
            GreedyTuner.Result r = tuner().budget(new LossBudget(0.07, 0.02)).listener(new TuningListener() {
                @Override
                public void evaluated(int layerIndex, String layer, float threshold, Evaluation e, double limit) {
                    seen.add(new float[] {layerIndex, threshold, (float) limit});
                }
            }).build().tune();
            assertEquals(List.of("c1", "c2"), r.layers().stream().map(GreedyTuner.LayerResult::layer).toList());
            assertEquals(step(0.05f, 2), r.thresholds().of("c1"));
            assertEquals(step(0.05f, 3), r.thresholds().of("c2"));
            assertEquals(0.08f, r.last().loss(), 1e-7);
            assertEquals(0.085f, seen.get(seen.size() - 1)[2], 1e-6, "c2's limit is the loss after c1 plus its budget");
            assertTrue(r.last().workFraction() < 1, "pixels under both thresholds were skipped");
        }

        @Test
        void refusesLayersTheModelDoesNotHave() {
            assertThrows(IllegalArgumentException.class, () -> tuner().layers(List.of("c9")).budget(LossBudget.uniform(0.1)).build().tune());
        }
    }

    @Nested
    class Resuming {
        @TempDir
        Path dir;

        @Test
        void aRerunReplaysTheJournalAndRunsNothingAgain() throws IOException {
            Path file = dir.resolve("t.json.journal");
            GreedyTuner.Result first = tuner().budget(new LossBudget(0.07, 0.02)).journal(TuningJournal.at(file)).build().tune();
            assertEquals(first.evaluations(), first.evaluationsRun());
            GreedyTuner.Result again = tuner().budget(new LossBudget(0.07, 0.02)).journal(TuningJournal.at(file)).build().tune();
            assertEquals(0, again.evaluationsRun());
            assertEquals(first.thresholds().layers(), again.thresholds().layers());
        }

        @Test
        void anInterruptedRunContinuesWhereItStopped() throws IOException {
            Path file = dir.resolve("t.json.journal");
            GreedyTuner.Result full = tuner().budget(new LossBudget(0.07, 0.02)).journal(TuningJournal.at(file)).build().tune();
            // keep the header and the first three evaluations, and tear the last line as a kill would
            List<String> lines = Files.readAllLines(file);
            Files.write(file, lines.subList(0, 4));
            Files.writeString(file, lines.get(4).substring(0, 10), java.nio.file.StandardOpenOption.APPEND);
            GreedyTuner.Result resumed = tuner().budget(new LossBudget(0.07, 0.02)).journal(TuningJournal.at(file)).build().tune();
            assertEquals(full.evaluations() - 3, resumed.evaluationsRun());
            assertEquals(full.thresholds().layers(), resumed.thresholds().layers());
        }

        @Test
        void aJournalOfOtherSettingsIsRefusedNotMixedIn() throws IOException {
            Path file = dir.resolve("t.json.journal");
            tuner().budget(new LossBudget(0.07, 0.02)).journal(TuningJournal.at(file)).build().tune();
            IOException e = assertThrows(IOException.class,
                    () -> tuner().budget(new LossBudget(0.05, 0.02)).journal(TuningJournal.at(file)).build().tune());
            assertTrue(e.getMessage().contains("other settings"), e.getMessage());
        }
    }
}
