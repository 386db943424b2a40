package org.cbinfer.kernels.tune;

import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * Pose: per frame and keypoint (heatmap channel), whether the change-based arg-max cell lies more than
 * {@code cells} cells (Chebyshev distance) from the dense one. The loss is the share of such keypoints: the
 * positions a pose decoder starts from, which is what a user of the skeletons sees move.
 */
final class KeypointDisagreement implements TuningLoss {
    private final String output;
    private final int cells;

    KeypointDisagreement(String output, int cells) {
        this.output = output;
        this.cells = cells;
    }

    @Override
    public double evaluate(List<Map<String, Tensor>> reference, List<Map<String, Tensor>> actual, List<Integer> frames) {
        long moved = 0, total = 0;
        for (int f = 0; f < reference.size(); f++) {
            Tensor r = Losses.output(reference.get(f), output, "dense");
            Tensor a = Losses.output(actual.get(f), output, "change-based");
            if (r.rank() != 4) throw new IllegalArgumentException("heatmap output " + output + " is not NCHW");
            int channels = r.dim(1), w = r.dim(3), plane = r.dim(2) * w;
            for (int c = 0; c < channels; c++) {
                int ir = argmax(r.data(), c * plane, plane), ia = argmax(a.data(), c * plane, plane);
                boolean poisoned = ir < 0 || ia < 0; // a NaN map has no position: it always counts as moved
                if (poisoned || Math.max(Math.abs(ir / w - ia / w), Math.abs(ir % w - ia % w)) > cells) moved++;
                total++;
            }
        }
        return total == 0 ? 0 : (double) moved / total;
    }

    /** Index of the largest value in {@code v[from, from+n)} relative to {@code from} (first on ties); -1 on NaN. */
    static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int i = 0; i < n; i++) {
            float x = v[from + i];
            if (Float.isNaN(x)) return -1;
            if (x > v[from + best]) best = i;
        }
        return best;
    }

    @Override
    public String describe() {
        return "keypoints:" + output + "@" + cells;
    }
}
