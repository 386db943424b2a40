package org.cbinfer.kernels.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The label rule both backends follow: argmax with its ties and NaNs, and the one-channel thresholds. */
class LabelRuleTest {
    private static final float NAN = Float.NaN;

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void argmaxTakesTheLowerChannelOnTiesAndNeverNaN() {
        // 4 classes on 1 x 6 pixels (NCHW), one pixel per column:
        // 0: plain max in channel 2; 1: tie of channels 1 and 3 -> 1; 2: NaN in channel 0, max in 3;
        // 3: all NaN -> 0; 4: NaN beside -inf -> the first -inf (channel 1); 5: +inf wins over NaN and large values
        Tensor t = Tensor.of(new int[] {1, 4, 1, 6}, new float[] {
            0f, 1f, NAN, NAN, NAN, 7f,
            1f, 5f, 2f, NAN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
            3f, 2f, 1f, NAN, Float.NEGATIVE_INFINITY, NAN,
            2f, 5f, 9f, NAN, NAN, Float.MAX_VALUE});
        Labels l = LabelRule.forProbabilities().labels(t);
        assertEquals(4, l.classes());
        assertEquals(1, l.height());
        assertEquals(6, l.width());
        assertArrayEquals(bytes(2, 1, 3, 0, 1, 1), l.values());
        assertEquals(3, l.label(2, 0));
    }

    @Test
    void argmaxSeesNegativeZeroAndZeroAsATie() {
        Tensor t = Tensor.of(new int[] {1, 2, 1, 2}, new float[] {-0f, 0f, 0f, -0f});
        assertArrayEquals(bytes(0, 0), LabelRule.forLogits().labels(t).values(), "-0 == 0: the lower channel keeps it");
    }

    @Test
    void oneChannelProbabilitiesCutAboveTheThreshold() {
        Tensor p = Tensor.of(new int[] {1, 1, 1, 6}, new float[] {0.1f, 0.5f, Math.nextUp(0.5f), 0.99f, NAN, Float.POSITIVE_INFINITY});
        Labels l = LabelRule.forProbabilities().labels(p);
        assertEquals(2, l.classes(), "a one-channel output is a two-class mask");
        assertArrayEquals(bytes(0, 0, 1, 1, 0, 1), l.values(), "0.5 itself is background; NaN is background");
        assertArrayEquals(bytes(0, 0, 0, 1, 0, 1), new LabelRule(true, 0.9).labels(p).values());
    }

    @Test
    void oneChannelLogitsCutAtTheThresholdsLogit() {
        Tensor l = Tensor.of(new int[] {1, 1, 1, 5}, new float[] {-3f, 0f, 1e-6f, 0.5f, NAN});
        assertArrayEquals(bytes(0, 0, 1, 1, 0), LabelRule.forLogits().labels(l).values(), "sigmoid(x) > 0.5 iff x > 0");
        // sigmoid(0.5) = 0.622: a 0.6 threshold keeps it, 0.65 does not
        assertArrayEquals(bytes(0, 0, 0, 1, 0), new LabelRule(false, 0.6).labels(l).values());
        assertArrayEquals(bytes(0, 0, 0, 0, 0), new LabelRule(false, 0.65).labels(l).values());
    }

    @Test
    void theFloatCutDecidesEveryFloatAsTheExactThresholdDoes() {
        Random r = new Random(3);
        double[] thresholds = {0.5, 0.6, 0.65, 0.1, 0.9, 1e-3, 1 - 1e-9, 1e-300, 0.3};
        for (double t : thresholds) {
            for (boolean probabilities : new boolean[] {true, false}) {
                LabelRule rule = new LabelRule(probabilities, t);
                double exact = probabilities ? t : Math.log(t / (1 - t));
                float cut = rule.cut();
                // the floats around the cut, where rounding the threshold to float could decide wrongly
                float near = Math.nextDown(Math.nextDown(cut));
                for (int i = 0; i < 5; i++, near = Math.nextUp(near)) {
                    float x = near;
                    assertEquals((double) x > exact, x > cut, "threshold " + t + " (" + rule + ") at " + x);
                }
                for (int i = 0; i < 1000; i++) {
                    float x = (float) (exact + r.nextGaussian() * Math.max(1e-6, Math.abs(exact)) * 1e-3);
                    assertEquals((double) x > exact, x > cut, "threshold " + t + " (" + rule + ") at " + x);
                }
            }
        }
        assertEquals(0f, new LabelRule(true, 1e-300).cut(), "0 itself stays background for a tiny threshold");
    }

    @Test
    void shapesAreSegmentationOutputsOfAtMost256LabelsForBytes() {
        IllegalArgumentException notNchw = assertThrows(IllegalArgumentException.class,
                () -> LabelRule.forProbabilities().labels(Tensor.zeros(1, 256, 256)));
        assertTrue(notNchw.getMessage().contains("[1, C, H, W]"), notNchw.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LabelRule.forProbabilities().labels(Tensor.zeros(2, 3, 4, 4)));
        assertEquals(256, LabelRule.forProbabilities().labels(Tensor.zeros(1, 256, 2, 2)).classes());
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> LabelRule.forProbabilities().labels(Tensor.zeros(1, 257, 2, 2)));
        assertTrue(wide.getMessage().contains("at most 256"), wide.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LabelRule(true, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new LabelRule(false, 0.0));
    }

    @Test
    void labelsCompareByContentAndCheckTheirSize() {
        Labels a = new Labels(3, 1, 2, bytes(0, 2));
        assertEquals(a, new Labels(3, 1, 2, bytes(0, 2)));
        assertNotEquals(a, new Labels(3, 1, 2, bytes(2, 0)));
        assertEquals(255, new Labels(256, 1, 1, bytes(255)).label(0, 0), "labels are unsigned");
        assertThrows(IllegalArgumentException.class, () -> new Labels(3, 2, 2, bytes(0, 1)));
        assertThrows(IllegalArgumentException.class, () -> new Labels(257, 1, 1, bytes(0)));
        assertThrows(IndexOutOfBoundsException.class, () -> a.label(2, 0));
        assertEquals(new LabelRule(false, 0.6), new LabelRule(false, 0.6));
    }
}
