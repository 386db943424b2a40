package org.cbinfer.kernels.zoo;

import java.util.Objects;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.tensor.ImageTensors;

/**
 * One of the seed's reference networks, built with fixed random weights: its graph, the input size it was
 * published at, how pixels are scaled into it, and how to judge its outputs.
 *
 * @param name the name the command line accepts ({@code --model scenelabel})
 * @param graph input {@code image} [1, 3, H, W] with H and W free
 * @param width published input width
 * @param height published input height
 * @param scale how RGB bytes become the input values
 * @param task what the outputs mean, for error figures (label maps, heatmaps)
 * @param taskOutput the graph output the task looks at
 */
public record ReferenceNetwork(String name, Graph graph, int width, int height, ImageTensors.Scale scale, Task task,
                               String taskOutput) {
    /** What a network's main output is, which decides the task-level error figure the benchmark reports. */
    public enum Task {
        /** Per-pixel class scores: the arg-max over channels is the label map. */
        LABELS,
        /** One heatmap per keypoint: the arg-max over positions of each channel is the keypoint. */
        HEATMAPS
    }

    public ReferenceNetwork {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(task, "task");
        if (!graph.outputs().contains(taskOutput)) {
            throw new IllegalArgumentException(taskOutput + " is not an output of " + name);
        }
    }
}
