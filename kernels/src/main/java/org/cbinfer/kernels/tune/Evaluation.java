package org.cbinfer.kernels.tune;

import org.cbinfer.kernels.cb.Thresholds;

/**
 * The tuning set run change-based with one set of thresholds: its loss and its work.
 *
 * @param macs multiply-accumulates done over the frames after the keyframe
 * @param denseMacs what dense passes of the same frames would do
 * @param seconds wall time of the evaluation when it ran (the journal keeps it, for ETAs on resume)
 * @param cached whether it came from the journal instead of running
 */
public record Evaluation(Thresholds thresholds, double loss, long macs, long denseMacs, double seconds, boolean cached) {
    /** Work done as a share of dense work. */
    public double workFraction() {
        return denseMacs == 0 ? 1 : (double) macs / denseMacs;
    }

    Evaluation asCached() {
        return new Evaluation(thresholds, loss, macs, denseMacs, seconds, true);
    }
}
