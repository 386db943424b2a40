package org.cbinfer.kernels.cb;

import java.util.Map;
import org.cbinfer.kernels.post.Labels;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The graph outputs for one frame (copies: they stay valid after later frames) and what it cost. Outputs the
 * backend was asked to return as label maps ({@code BackendBuilder.labels}) are in {@code labels}, and in
 * {@code outputs} only when their tensors were kept too.
 */
public record FrameResult(Map<String, Tensor> outputs, Map<String, Labels> labels, FrameStats stats) {
    /** A result of tensors only. */
    public FrameResult(Map<String, Tensor> outputs, FrameStats stats) {
        this(outputs, Map.of(), stats);
    }

    /**
     * The label map of an output asked as labels.
     *
     * @throws IllegalArgumentException if the backend was not asked for this output's labels
     */
    public Labels labels(String output) {
        return DenseResult.labelsOf(labels, output);
    }
}
