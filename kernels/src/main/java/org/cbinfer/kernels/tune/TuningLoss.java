package org.cbinfer.kernels.tune;

import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * How far change-based outputs are from what they should be, over a sequence of frames: the quantity the
 * tuner keeps within its budget. Built-ins ({@link Losses}) compare against the dense model's own outputs
 * on the same frames, so tuning needs no labels; one compares against user labels.
 *
 * <p>Implementations must be deterministic: the tuner's journal replays cached losses on resume.
 */
public interface TuningLoss {
    /**
     * @param reference the dense model's outputs, one map per frame (by graph output name, NCHW tensors)
     * @param actual the change-based outputs for the same frames, in the same order
     * @param frames which frames of the tuning set these are (their positions in it), for label lookup
     * @return the loss; 0 means "as good as the reference"; larger is worse
     */
    double evaluate(List<Map<String, Tensor>> reference, List<Map<String, Tensor>> actual, List<Integer> frames);

    /** A short description for logs, journals and reports, e.g. {@code "mae(heatmap)"}. */
    String describe();
}
