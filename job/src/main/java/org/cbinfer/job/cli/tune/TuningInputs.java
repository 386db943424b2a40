package org.cbinfer.job.cli.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.job.cli.FrameSource;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * What {@code tune} and {@code tradeoff} share: the model, the frames (decoded, resized and scaled as
 * {@code infer} does) and the backend they run on.
 */
public final class TuningInputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path model;
    private final Graph graph;
    private final List<Map<String, Tensor>> frames;
    private final BackendBuilder.Kind kind;
    private final int device;
    private final Precision precision;
    private final ObjectNode description;

    private TuningInputs(Path model, Graph graph, List<Map<String, Tensor>> frames, BackendBuilder.Kind kind, int device,
                         Precision precision, ObjectNode description) {
        this.model = model;
        this.graph = graph;
        this.frames = frames;
        this.kind = kind;
        this.device = device;
        this.precision = precision;
        this.description = description;
    }

    /** Loads the model and decodes the frames the options name. */
    public static TuningInputs load(TuningOptions o) throws IOException {
        Graph graph = ModelFiles.load(o.model);
        if (graph.inputs().size() != 1) {
            throw new UsageException("tuning on video needs a model with one image input; " + o.model + " has " + graph.inputs().size());
        }
        String input = graph.inputs().get(0).name();
        List<Map<String, Tensor>> frames = new ArrayList<>();
        int width = 0, height = 0;
        try (FrameSource source = FrameSource.video(o.video, o.frames, o.size)) {
            for (VideoFrame f; (f = source.next()) != null; ) {
                width = f.width();
                height = f.height();
                frames.add(Map.of(input, ImageTensors.fromRgb(f.rgb(), 0, f.width(), f.height(), o.scale)));
            }
        }
        if (frames.size() < 2) throw new UsageException("need at least 2 frames (a keyframe and one more), got " + frames.size());
        ObjectNode d = JSON.createObjectNode();
        d.put("model", o.model.getFileName().toString());
        d.put("video", o.video.getFileName().toString());
        d.put("frames", o.frames == null ? "all" : o.frames.toString());
        d.put("size", width + "x" + height);
        d.put("scale", o.scale.name().toLowerCase());
        return new TuningInputs(o.model, graph, List.copyOf(frames), o.backend.kind(), o.device, o.backend.precision(), d);
    }

    /** A backend factory: the chosen hardware with the given thresholds. */
    public Function<Thresholds, Backend> backends() {
        return t -> Backend.builder().graph(graph).kind(kind).device(device).precision(precision).thresholds(t).build();
    }

    public Path model() {
        return model;
    }

    public Graph graph() {
        return graph;
    }

    public List<Map<String, Tensor>> frames() {
        return frames;
    }

    /** Model, video, frames, size and scaling, as a JSON object (journals and reports record it). */
    public ObjectNode description() {
        return description.deepCopy();
    }

    /** The backend's name, e.g. "cpu" (builds one to ask). */
    public String backendName() {
        try (Backend b = backends().apply(Thresholds.uniform(0f))) {
            return b.name();
        }
    }
}
