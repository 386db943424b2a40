package org.cbinfer.kernels.tune;

import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Label maps: the share of pixels whose label differs, against the dense labels (no user labels needed) or
 * against the user's labels. A pixel's label is the arg-max over channels, or {@code value > cut} for a
 * one-channel map (a mask).
 */
final class PixelDisagreement implements TuningLoss {
    private final String output;
    private final float cut;
    /** Frame position in the tuning set -> labels; null to compare with the dense labels. */
    private final Map<Integer, int[]> labels;

    PixelDisagreement(String output, float cut, Map<Integer, int[]> labels) {
        this.output = output;
        this.cut = cut;
        this.labels = labels;
    }

    @Override
    public double evaluate(List<Map<String, Tensor>> reference, List<Map<String, Tensor>> actual, List<Integer> frames) {
        long wrong = 0, total = 0;
        for (int f = 0; f < actual.size(); f++) {
            int[] truth;
            if (labels == null) {
                truth = labels(Losses.output(reference.get(f), output, "dense"));
            } else {
                truth = labels.get(frames.get(f));
                if (truth == null) continue;
            }
            int[] got = labels(Losses.output(actual.get(f), output, "change-based"));
            if (got.length != truth.length) {
                throw new IllegalArgumentException("labels of frame " + frames.get(f) + " have " + truth.length
                        + " pixels, output " + output + " has " + got.length);
            }
            for (int i = 0; i < got.length; i++) {
                if (truth[i] == Losses.IGNORE) continue;
                if (got[i] != truth[i]) wrong++;
                total++;
            }
        }
        return total == 0 ? 0 : (double) wrong / total;
    }

    /** Per-pixel labels of an NCHW map (batch 1); -1 where a value is NaN, so that it never agrees. */
    private int[] labels(Tensor t) {
        if (t.rank() != 4) throw new IllegalArgumentException("label-map output " + output + " is not NCHW");
        int channels = t.dim(1), plane = t.dim(2) * t.dim(3);
        float[] v = t.data();
        int[] out = new int[plane];
        for (int p = 0; p < plane; p++) {
            if (channels == 1) {
                out[p] = Float.isNaN(v[p]) ? -1 : v[p] > cut ? 1 : 0;
                continue;
            }
            int best = 0;
            for (int c = 0; c < channels && best >= 0; c++) {
                float x = v[c * plane + p];
                if (Float.isNaN(x)) best = -1;
                else if (x > v[best * plane + p]) best = c;
            }
            out[p] = best;
        }
        return out;
    }

    @Override
    public String describe() {
        return (labels == null ? "pixels:" : "labels:") + output + "@" + cut;
    }
}
