package org.cbinfer.operators.post;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Turns a segmentation output {@code [1, C, H, W]} (NCHW) into a {@link LabelMap} of H x W:
 * <ul>
 *   <li>C &gt; 1: per pixel the channel with the largest value (argmax; ties go to the lower channel; NaN never
 *       wins, an all-NaN pixel is 0). {@code numClasses = C}.</li>
 *   <li>C == 1: a two-class mask, label 1 where the probability is above {@code threshold} (0.5 by default), else 0.
 *       If {@code probabilities} is false the output holds logits and the probability is their sigmoid; if it is
 *       true (MediaPipe selfie/meet, whose last layer {@code activation_10} is a sigmoid) the values are used as
 *       they are. NaN is 0.</li>
 * </ul>
 * Instances are immutable and thread-safe.
 */
@PublicEvolving
public final class LabelMapper {
    private final boolean probabilities;
    private final double threshold;

    public LabelMapper(boolean probabilities, double threshold) {
        if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
        this.probabilities = probabilities;
        this.threshold = threshold;
    }

    /** One-channel outputs hold probabilities (already through a sigmoid); threshold 0.5. */
    public static LabelMapper forProbabilities() {
        return new LabelMapper(true, 0.5);
    }

    /** One-channel outputs hold logits; threshold 0.5 (logit &gt; 0). */
    public static LabelMapper forLogits() {
        return new LabelMapper(false, 0.5);
    }

    public boolean probabilities() {
        return probabilities;
    }

    public double threshold() {
        return threshold;
    }

    /** The label map at the output's own resolution. */
    public LabelMap map(Tensor output) {
        Objects.requireNonNull(output, "output");
        int[] s = output.shapeRef();
        if (s.length != 4 || s[0] != 1) {
            throw new IllegalArgumentException("segmentation output must be NCHW [1, C, H, W], got " + Arrays.toString(s));
        }
        int c = s[1], h = s[2], w = s[3], hw = h * w;
        if (c < 1 || h < 1 || w < 1) throw new IllegalArgumentException("empty segmentation output " + Arrays.toString(s));
        if (c > LabelMap.MAX_CLASSES) {
            throw new IllegalArgumentException(c + " channels: at most " + LabelMap.MAX_CLASSES + " classes");
        }
        float[] v = output.data();
        short[] labels = new short[hw];
        if (c == 1) {
            // sigmoid(x) > t  <=>  x > logit(t); compare logits directly so no exp per pixel
            double cut = probabilities ? threshold : Math.log(threshold / (1 - threshold));
            for (int p = 0; p < hw; p++) labels[p] = v[p] > cut ? (short) 1 : 0;
            return LabelMap.of(w, h, 2, labels);
        }
        for (int p = 0; p < hw; p++) {
            int best = 0;
            float bestValue = Float.NEGATIVE_INFINITY;
            boolean any = false;
            for (int ch = 0; ch < c; ch++) {
                float x = v[ch * hw + p];
                if (x > bestValue || (!any && x == bestValue)) {
                    best = ch;
                    bestValue = x;
                    any = true;
                }
            }
            labels[p] = (short) best;
        }
        return LabelMap.of(w, h, c, labels);
    }

    /** The label map resized (nearest neighbour) to the original frame. */
    public LabelMap map(Tensor output, int frameWidth, int frameHeight) {
        return map(output).resized(frameWidth, frameHeight);
    }
}
