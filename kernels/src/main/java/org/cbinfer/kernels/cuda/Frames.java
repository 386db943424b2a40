package org.cbinfer.kernels.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.cpu.CpuPlan;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.RgbInput;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * One call's frames as the GPU backend takes them: float tensors in graph-input order, or 8-bit RGB images of
 * a one-input graph (uploaded as bytes and converted on the device). Knows each frame's input shapes, which
 * choose its plan, and cuts the micro-batches the runners upload.
 */
final class Frames {
    /** The frames of one micro-batch, as a runner uploads them: exactly one of the two lists is set. */
    record Batch(List<float[][]> tensors, List<RgbInput> images) {}

    private final Graph graph;
    private final List<Map<String, Tensor>> tensors;
    private final List<RgbInput> images;
    private final List<Map<String, int[]>> shapes;

    private Frames(Graph graph, List<Map<String, Tensor>> tensors, List<RgbInput> images, List<Map<String, int[]>> shapes) {
        this.graph = graph;
        this.tensors = tensors;
        this.images = images;
        this.shapes = shapes;
    }

    /** Tensor frames; checks that every input is present and non-empty (their values are checked on the device). */
    static Frames of(Graph graph, List<Map<String, Tensor>> inputs) {
        List<Map<String, int[]>> shapes = new ArrayList<>(inputs.size());
        for (Map<String, Tensor> in : inputs) shapes.add(CpuPlan.presentShapesOf(graph, in));
        return new Frames(graph, inputs, null, shapes);
    }

    /** Image frames of the graph input {@code input}. */
    static Frames ofImages(String input, List<RgbInput> images) {
        List<Map<String, int[]>> shapes = new ArrayList<>(images.size());
        for (RgbInput f : images) shapes.add(Map.of(input, f.shape()));
        return new Frames(null, null, images, shapes);
    }

    int size() {
        return shapes.size();
    }

    boolean images() {
        return images != null;
    }

    Map<String, int[]> shapes(int i) {
        return shapes.get(i);
    }

    /** The pixel scale of image frame i; null for tensor frames. */
    ImageTensors.Scale scale(int i) {
        return images == null ? null : images.get(i).scale();
    }

    /** The tensor frames (null for images: they hold no non-finite values to report). */
    List<Map<String, Tensor>> tensors() {
        return tensors;
    }

    Batch batch(List<Integer> indexes) {
        if (images != null) {
            List<RgbInput> b = new ArrayList<>(indexes.size());
            for (int i : indexes) b.add(images.get(i));
            return new Batch(null, b);
        }
        List<float[][]> b = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            float[][] f = new float[graph.inputs().size()][];
            for (int k = 0; k < f.length; k++) f[k] = tensors.get(i).get(graph.inputs().get(k).name()).data();
            b.add(f);
        }
        return new Batch(b, null);
    }
}
