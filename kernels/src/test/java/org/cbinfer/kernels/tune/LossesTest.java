package org.cbinfer.kernels.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The built-in losses on small hand-made outputs whose answers are counted by hand. */
class LossesTest {
    private static final List<Integer> ONE_FRAME = List.of(1);

    private static List<Map<String, Tensor>> out(String name, int[] shape, float... v) {
        return List.of(Map.of(name, Tensor.of(shape, v)));
    }

    @Test
    void meanMaxAndSquaredErrorsOfTheChosenOutputs() {
        var ref = List.of(Map.of("a", Tensor.of(new int[] {4}, new float[] {0, 0, 0, 0}), "b", Tensor.of(new int[] {1}, new float[] {5})));
        var got = List.of(Map.of("a", Tensor.of(new int[] {4}, new float[] {1, -1, 2, 0}), "b", Tensor.of(new int[] {1}, new float[] {5})));
        assertEquals(4 / 4.0, Losses.meanAbsError(List.of("a")).evaluate(ref, got, ONE_FRAME), 1e-12);
        assertEquals(4 / 5.0, Losses.meanAbsError(List.of()).evaluate(ref, got, ONE_FRAME), 1e-12, "all outputs, pooled");
        assertEquals(6 / 4.0, Losses.meanSquaredError(List.of("a")).evaluate(ref, got, ONE_FRAME), 1e-12);
        assertEquals(2.0, Losses.maxAbsError(List.of()).evaluate(ref, got, ONE_FRAME), 1e-12);
    }

    @Test
    void keypointsCountWhenTheirArgmaxCellMovesFurtherThanKCells() {
        int[] shape = {1, 2, 3, 3};
        // keypoint 0 peaks at (0,0) in both; keypoint 1 peaks at (0,0) densely and at (1,1) change-based: one cell away
        float[] dense = {9, 0, 0, 0, 0, 0, 0, 0, 0, /**/ 9, 0, 0, 0, 0, 0, 0, 0, 0};
        float[] cb = {9, 0, 0, 0, 0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 9, 0, 0, 0, 0};
        assertEquals(0.5, Losses.keypointDisagreement("h", 0).evaluate(out("h", shape, dense), out("h", shape, cb), ONE_FRAME));
        assertEquals(0.0, Losses.keypointDisagreement("h", 1).evaluate(out("h", shape, dense), out("h", shape, cb), ONE_FRAME));
        float[] nan = cb.clone();
        nan[3] = Float.NaN;
        assertEquals(0.5, Losses.keypointDisagreement("h", 2).evaluate(out("h", shape, dense), out("h", shape, nan), ONE_FRAME),
                "a NaN map counts as moved");
    }

    @Test
    void pixelLabelsAreTheArgmaxOverChannelsOrAThresholdedMask() {
        int[] two = {1, 2, 1, 2};
        // pixel 0: class 0 in both; pixel 1: class 1 densely, class 0 change-based
        var dense = out("m", two, 1, 0, 0, 1);
        var cb = out("m", two, 1, 1, 0, 0.5f);
        assertEquals(0.5, Losses.pixelDisagreement("m", 0.5f).evaluate(dense, cb, ONE_FRAME));
        int[] one = {1, 1, 1, 4};
        assertEquals(0.25, Losses.pixelDisagreement("m", 0.5f).evaluate(out("m", one, 0.1f, 0.6f, 0.9f, 0.4f),
                out("m", one, 0.2f, 0.4f, 0.8f, 0.3f), ONE_FRAME));
        assertEquals(0.5, Losses.pixelDisagreement("m", 0f).evaluate(out("m", one, -1, 2, 3, -4),
                out("m", one, 1, 2, 3, 4), ONE_FRAME), "cut 0 on logits is sigmoid > 0.5");
    }

    @Test
    void labelErrorComparesWithTheUsersLabelsSkippingUnlabelledPixelsAndFrames() {
        int[] one = {1, 1, 1, 4};
        var cb = out("m", one, 0.9f, 0.9f, 0.1f, 0.1f); // mask 1 1 0 0
        TuningLoss l = Losses.labelError("m", 0.5f, Map.of(1, new int[] {1, 0, 0, Losses.IGNORE}));
        assertEquals(1 / 3.0, l.evaluate(List.of(Map.of()), cb, ONE_FRAME), 1e-12);
        assertEquals(0.0, l.evaluate(List.of(Map.of()), cb, List.of(7)), "a frame without labels does not count");
    }

    @Test
    void specsNameLossesAndOutputsAndWrongOnesSayWhatIsWrong() {
        var graph = GreedyTunerTest.NET;
        assertEquals("mae:c2", Losses.parse("mae:c2", graph).describe());
        assertEquals("max", Losses.parse("max", graph).describe());
        assertEquals("keypoints:c2@1", Losses.parse("keypoints:c2@1", graph).describe());
        assertEquals("pixels:c2@0.0", Losses.parse("pixels@0", graph).describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.parse("mae:nope", graph));
        assertTrue(e.getMessage().contains("no output 'nope'") && e.getMessage().contains("[c2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.parse("huber", graph));
        assertThrows(IllegalArgumentException.class, () -> Losses.parse("keypoints", graph), "no heatmap output to default to");
    }
}
