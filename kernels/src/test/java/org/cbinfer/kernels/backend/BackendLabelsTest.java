package org.cbinfer.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cbinfer.kernels.cb.DenseResult;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.post.LabelRule;
import org.cbinfer.kernels.post.Labels;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's label maps: outputs asked as labels come back as the {@link LabelRule}'s labels of the very
 * outputs it would have returned, dense and change-based, instead of (or, asked so, beside) their tensors.
 */
class BackendLabelsTest {
    private static final int H = 9, W = 11;

    /** "x" [1, 3, H, W] -> "scores" (5 channels, 3x3) and "mask" (1 channel, 1x1 on the scores). */
    private static Graph net() {
        Random r = new Random(5);
        return Graph.builder().input("x", 1, 3, H, W)
                .node("scores", conv(r, 3, 5, 3), "x")
                .node("mask", conv(r, 5, 1, 1), "scores")
                .output("scores").output("mask").build();
    }

    private static Conv2d conv(Random r, int cin, int cout, int k) {
        float[] w = new float[cout * cin * k * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        return new Conv2d(Tensor.of(new int[] {cout, cin, k, k}, w), null,
                new Window(k, k, 1, 1, 1, 1, Padding.symmetric(k / 2, k / 2)), 1, Activation.IDENTITY);
    }

    /** Frames of a static scene with a patch that moves, so change-based frames are partial. */
    private static List<Tensor> frames() {
        Random r = new Random(9);
        float[] base = new float[3 * H * W];
        for (int i = 0; i < base.length; i++) base[i] = r.nextFloat();
        List<Tensor> frames = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            float[] v = base.clone();
            for (int c = 0; c < 3; c++) v[c * H * W + 2 * W + 2 + t] += 0.7f;
            frames.add(Tensor.of(new int[] {1, 3, H, W}, v));
        }
        return frames;
    }

    private static BackendBuilder builder(Graph g) {
        return Backend.builder().graph(g).thresholds(Thresholds.uniform(0.05f));
    }

    @Test
    void labelledOutputsComeBackAsTheRulesLabelsOfTheOutputsDenseAndChangeBased() {
        Graph g = net();
        LabelRule logits = new LabelRule(false, 0.6);
        try (Backend full = builder(g).build();
             Backend labels = builder(g).labels("scores", LabelRule.forProbabilities()).labels("mask", logits).build()) {
            assertEquals(Map.of("scores", LabelRule.forProbabilities(), "mask", logits), labels.labelOutputs().rules());
            BackendStream fs = full.newStream(), ls = labels.newStream();
            int partial = 0;
            for (Tensor f : frames()) {
                FrameResult want = full.process(fs, f);
                FrameResult got = labels.process(ls, f);
                assertTrue(got.outputs().isEmpty(), "labelled outputs leave no tensor behind");
                assertEquals(LabelRule.forProbabilities().labels(want.outputs().get("scores")), got.labels("scores"));
                assertEquals(logits.labels(want.outputs().get("mask")), got.labels("mask"));
                assertEquals(5, got.labels("scores").classes());
                assertEquals(2, got.labels("mask").classes());
                assertEquals(want.stats().macs(), got.stats().macs(), "the same change-based computation");
                if (!got.stats().keyframe() && got.stats().macs() < got.stats().denseMacs()) partial++;

                DenseResult dense = labels.denseResults(List.of(Map.of("x", f))).get(0);
                Map<String, Tensor> denseFull = full.dense(List.of(Map.of("x", f))).get(0);
                assertTrue(dense.outputs().isEmpty());
                assertEquals(LabelRule.forProbabilities().labels(denseFull.get("scores")), dense.labels("scores"));
                assertEquals(logits.labels(denseFull.get("mask")), dense.labels("mask"));
            }
            assertTrue(partial > 0, "later frames were partial passes");
        }
    }

    @Test
    void keptTensorsComeBesideTheLabelsAndOtherOutputsStayTensors() {
        Graph g = net();
        Tensor f = frames().get(0);
        try (Backend beside = builder(g).labels("scores", LabelRule.forProbabilities()).keepLabelledTensors(true).build();
             Backend onlyOne = builder(g).labels("scores", LabelRule.forProbabilities()).build()) {
            FrameResult r = beside.process(beside.newStream(), f);
            assertEquals(List.of("scores", "mask"), List.copyOf(r.outputs().keySet()));
            assertEquals(LabelRule.forProbabilities().labels(r.outputs().get("scores")), r.labels("scores"));
            FrameResult o = onlyOne.process(onlyOne.newStream(), f);
            assertEquals(List.of("mask"), List.copyOf(o.outputs().keySet()));
            assertArrayEquals(r.outputs().get("mask").data(), o.outputs().get("mask").data());
            IllegalArgumentException notAsked = assertThrows(IllegalArgumentException.class, () -> o.labels("mask"));
            assertTrue(notAsked.getMessage().contains("BackendBuilder.labels"), notAsked.getMessage());
            Labels l = o.labels("scores");
            assertEquals(H, l.height());
            assertEquals(W, l.width());
        }
        try (Backend plain = builder(g).build()) {
            assertFalse(plain.process(plain.newStream(), f).outputs().isEmpty());
            assertTrue(plain.labelOutputs().rules().isEmpty());
        }
    }

    @Test
    void labelsOfAnUnknownOrNonSegmentationOutputAreRefused() {
        Graph g = net();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> builder(g).labels("nope", LabelRule.forProbabilities()).build());
        assertTrue(unknown.getMessage().contains("nope"), unknown.getMessage());
        Graph wide = Graph.builder().input("x", 1, 3, H, W).node("many", conv(new Random(1), 3, 300, 1), "x").output("many")
                .build();
        try (Backend b = Backend.builder().graph(wide).labels("many", LabelRule.forProbabilities()).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.dense(List.of(Map.of("x", frames().get(0)))));
            assertTrue(e.getMessage().contains("at most 256"), e.getMessage());
        }
    }
}
