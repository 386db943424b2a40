package org.cbinfer.kernels.cb;

import java.util.Map;
import org.cbinfer.kernels.post.Labels;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The outputs of one frame of a dense pass, as {@link FrameResult} holds a change-based frame's: tensors, and the
 * label maps of the outputs the backend was asked to return as labels.
 */
public record DenseResult(Map<String, Tensor> outputs, Map<String, Labels> labels) {
    /**
     * The label map of an output asked as labels.
     *
     * @throws IllegalArgumentException if the backend was not asked for this output's labels
     */
    public Labels labels(String output) {
        return labelsOf(labels, output);
    }

    static Labels labelsOf(Map<String, Labels> labels, String output) {
        Labels l = labels.get(output);
        if (l == null) {
            throw new IllegalArgumentException("no label map of output '" + output + "' (label maps: " + labels.keySet()
                    + "); ask for it with BackendBuilder.labels");
        }
        return l;
    }
}
