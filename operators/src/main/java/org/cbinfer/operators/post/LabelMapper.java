package org.cbinfer.operators.post;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.cbinfer.kernels.post.LabelRule;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Turns a segmentation output {@code [1, C, H, W]} (NCHW) into a {@link LabelMap} of H x W by the engine's
 * {@link LabelRule} (the rule the GPU backend applies on the device too):
 * <ul>
 *   <li>C &gt; 1: per pixel the channel with the largest value (argmax; ties go to the lower channel; NaN never
 *       wins, an all-NaN pixel is 0). {@code numClasses = C}.</li>
 *   <li>C == 1: a two-class mask, label 1 where the probability is above {@code threshold} (0.5 by default), else 0.
 *       If {@code probabilities} is false the output holds logits and the probability is their sigmoid; if it is
 *       true (MediaPipe selfie/meet, whose last layer {@code activation_10} is a sigmoid) the values are used as
 *       they are. NaN is 0.</li>
 * </ul>
 * Unlike the engine's byte label maps (at most 256 classes), a LabelMap holds up to {@link LabelMap#MAX_CLASSES}.
 * Instances are immutable and thread-safe.
 */
@PublicEvolving
public final class LabelMapper {
    private final LabelRule rule;

    public LabelMapper(boolean probabilities, double threshold) {
        this.rule = new LabelRule(probabilities, threshold);
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
        return rule.probabilities();
    }

    public double threshold() {
        return rule.threshold();
    }

    /** The label map at the output's own resolution. */
    public LabelMap map(Tensor output) {
        Objects.requireNonNull(output, "output");
        int[] s = output.shapeRef();
        LabelRule.checkShape(s, LabelMap.MAX_CLASSES);
        int c = s[1], h = s[2], w = s[3], hw = h * w;
        float[] v = output.data();
        short[] labels = new short[hw];
        for (int p = 0; p < hw; p++) labels[p] = (short) rule.label(v, 0, hw, p, c);
        return LabelMap.of(w, h, LabelRule.classes(c), labels);
    }

    /** The label map resized (nearest neighbour) to the original frame. */
    public LabelMap map(Tensor output, int frameWidth, int frameHeight) {
        return map(output).resized(frameWidth, frameHeight);
    }
}
