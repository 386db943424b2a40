package org.cbinfer.job.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Shapes;
import org.cbinfer.kernels.zoo.ReferenceNetwork;
import org.cbinfer.kernels.zoo.ReferenceNetworks;

/**
 * The network a benchmark runs: a reference network by name ({@code scenelabel}, {@code openpose2}) or a model
 * file, with how its input is scaled and which output the task-level error looks at (label maps for scene
 * labeling; keypoint heatmaps for OpenPose, and for model files whose output name says "heatmap").
 *
 * @param task null when no task-level figure applies
 * @param taskOutput the output {@code task} looks at; null with it
 */
public record BenchModel(String name, Graph graph, ImageTensors.Scale scale, ReferenceNetwork.Task task, String taskOutput,
                         int defaultWidth, int defaultHeight) {

    /**
     * @param model a reference network's name or a model file
     * @param scale the {@code --scale} option, or null for the reference network's own (required for files)
     */
    public static BenchModel resolve(String model, ImageTensors.Scale scale) throws IOException {
        var zoo = ReferenceNetworks.byName(model);
        if (zoo.isPresent()) {
            ReferenceNetwork n = zoo.get();
            return new BenchModel(n.name(), n.graph(), scale == null ? n.scale() : scale, n.task(),
                    n.taskOutput(), n.width(), n.height());
        }
        Path file = Path.of(model);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--model " + model + " is neither a reference network (" + String.join(", ",
                    ReferenceNetworks.names()) + ") nor a model file");
        }
        if (scale == null) throw new UsageException("--scale is required with a model file (pm1 for PoseNet)");
        Graph g = ModelFiles.load(file);
        String heatmap = g.outputs().stream().filter(o -> o.toLowerCase(Locale.ROOT).contains("heatmap")).findFirst().orElse(null);
        int[] declared = g.inputs().get(0).shape();
        String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return new BenchModel(name, g, scale, heatmap == null ? null : ReferenceNetwork.Task.HEATMAPS, heatmap,
                declared.length == 4 ? declared[3] : -1, declared.length == 4 ? declared[2] : -1);
    }

    /** The graph's single input name. */
    public String input() {
        if (graph.inputs().size() != 1) throw new UsageException(name + " has " + graph.inputs().size() + " inputs; bench needs one image input");
        return graph.inputs().get(0).name();
    }

    /** NCHW shape of the input at a width and height; checks the model accepts it. */
    public int[] inputShape(int width, int height) {
        int[] shape = {1, 3, height, width};
        if (!graph.inputs().get(0).accepts(shape)) {
            throw new UsageException(name + " does not accept input " + Shapes.str(shape) + " (declared "
                    + Shapes.str(graph.inputs().get(0).shape()) + ")");
        }
        return shape;
    }

    /** Dense multiply-accumulates of one frame at this input shape. */
    public long macs(Graph optimized, int[] inputShape) {
        Map<String, int[]> shapes = optimized.inferShapes(inputShape);
        return optimized.nodes().stream().mapToLong(n -> n.op().macs(
                n.inputs().stream().map(shapes::get).toArray(int[][]::new), shapes.get(n.name()))).sum();
    }
}
