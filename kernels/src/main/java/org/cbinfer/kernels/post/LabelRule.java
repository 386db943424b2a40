package org.cbinfer.kernels.post;

import java.util.Arrays;
import java.util.Objects;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * How a segmentation output {@code [1, C, H, W]} (NCHW) becomes one label per pixel. This class is the one
 * definition: the CPU backend and the operators' {@code LabelMapper} call it, and the GPU kernel
 * ({@code label_output} in kernels/src/main/cuda/post.cuh) computes the same labels bit for bit (GPU tests check it).
 * <ul>
 *   <li>C &gt; 1: per pixel the channel with the largest value (argmax; ties go to the lower channel; NaN never
 *       wins, an all-NaN pixel is 0).</li>
 *   <li>C == 1: a two-class mask, label 1 where the probability is above {@code threshold}, else 0. If
 *       {@code probabilities} is false the output holds logits and the probability is their sigmoid; if true
 *       (e.g. MediaPipe selfie, whose last layer is a sigmoid) the values are used as they are. NaN is 0.</li>
 * </ul>
 * Instances are immutable and thread-safe.
 */
public final class LabelRule {
    private final boolean probabilities;
    private final double threshold;
    private final float cut;

    /**
     * @param probabilities whether one-channel outputs hold probabilities (else logits)
     * @param threshold the probability a one-channel pixel must exceed to be labelled 1, in (0, 1)
     */
    public LabelRule(boolean probabilities, double threshold) {
        if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
        this.probabilities = probabilities;
        this.threshold = threshold;
        // sigmoid(x) > t  <=>  x > logit(t): logits are compared directly, so no exp per pixel
        this.cut = floatCut(probabilities ? threshold : Math.log(threshold / (1 - threshold)));
    }

    /** One-channel outputs hold probabilities (already through a sigmoid); threshold 0.5. */
    public static LabelRule forProbabilities() {
        return new LabelRule(true, 0.5);
    }

    /** One-channel outputs hold logits; threshold 0.5 (logit &gt; 0). */
    public static LabelRule forLogits() {
        return new LabelRule(false, 0.5);
    }

    /**
     * The largest float not above {@code cut}: for every float x, {@code x > cut} (compared in double) exactly when
     * {@code x > floatCut}, so the GPU compares in float and still agrees with the exact threshold.
     */
    private static float floatCut(double cut) {
        float f = (float) cut;
        return f > cut ? Math.nextDown(f) : f;
    }

    public boolean probabilities() {
        return probabilities;
    }

    public double threshold() {
        return threshold;
    }

    /** The value a one-channel pixel must exceed (in float) to be labelled 1: the threshold or its logit. */
    public float cut() {
        return cut;
    }

    /**
     * The label of pixel {@code p} of an NCHW output of {@code channels} channels of {@code plane} pixels whose
     * first value is {@code values[offset]}.
     */
    public int label(float[] values, int offset, int plane, int p, int channels) {
        if (channels == 1) return values[offset + p] > cut ? 1 : 0;
        int best = -1;
        float bestValue = 0f;
        for (int c = 0; c < channels; c++) {
            float x = values[offset + c * plane + p];
            // the first channel holding the largest value that is not NaN
            if (x == x && (best < 0 || x > bestValue)) {
                best = c;
                bestValue = x;
            }
        }
        return Math.max(best, 0);
    }

    /** The number of labels an output of {@code channels} channels has: 2 for one channel (a mask), else C. */
    public static int classes(int channels) {
        return channels == 1 ? 2 : channels;
    }

    /**
     * Checks that {@code shape} is a segmentation output {@code [1, C, H, W]} of at most {@code maxClasses} labels.
     *
     * @throws IllegalArgumentException naming the shape otherwise
     */
    public static void checkShape(int[] shape, int maxClasses) {
        if (shape.length != 4 || shape[0] != 1) {
            throw new IllegalArgumentException("segmentation output must be NCHW [1, C, H, W], got " + Arrays.toString(shape));
        }
        if (shape[1] < 1 || shape[2] < 1 || shape[3] < 1) {
            throw new IllegalArgumentException("empty segmentation output " + Arrays.toString(shape));
        }
        if (classes(shape[1]) > maxClasses) {
            throw new IllegalArgumentException(shape[1] + " channels: at most " + maxClasses + " classes");
        }
    }

    /** The label map of one output {@code [1, C, H, W]} with C at most {@link Labels#MAX_CLASSES}. */
    public Labels labels(Tensor output) {
        Objects.requireNonNull(output, "output");
        int[] s = output.shapeRef();
        checkShape(s, Labels.MAX_CLASSES);
        int c = s[1], plane = s[2] * s[3];
        float[] v = output.data();
        byte[] labels = new byte[plane];
        for (int p = 0; p < plane; p++) labels[p] = (byte) label(v, 0, plane, p, c);
        return new Labels(classes(c), s[2], s[3], labels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelRule r && r.probabilities == probabilities && r.threshold == threshold;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(probabilities) * 31 + Double.hashCode(threshold);
    }

    @Override
    public String toString() {
        return (probabilities ? "probabilities" : "logits") + " > " + threshold;
    }
}
