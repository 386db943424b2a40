package org.cbinfer.job.cli.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.job.cli.Args;
import org.cbinfer.job.cli.FrameSource;
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
    /** The options this class reads; a command adds its own. */
    public static final Set<String> OPTIONS = Set.of("model", "video", "frames", "size", "scale", "backend", "device", "precision");
    public static final String USAGE = "--model PATH --video FILE [--frames A:B] [--size WxH] --scale pm1|unit|raw"
            + " [--backend cpu|cuda|auto] [--device N] [--precision fp32|tf32|fp16]";
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

    /** Loads the model and decodes the frames named by the options. */
    public static TuningInputs load(Args args) throws IOException {
        Path model = Path.of(args.require("model"));
        String video = args.require("video");
        ImageTensors.Scale scale;
        try {
            scale = ImageTensors.Scale.parse(args.require("scale"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--scale is pm1, unit or raw, got " + args.get("scale", ""));
        }
        BackendBuilder.Kind kind;
        Precision precision;
        try {
            kind = BackendBuilder.Kind.parse(args.get("backend", "cpu"));
            precision = Precision.parse(args.get("precision", "fp32"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        int device = args.intValue("device", 0);
        Graph graph = ModelFiles.load(model);
        if (graph.inputs().size() != 1) {
            throw new Args.UsageException("tuning on video needs a model with one image input; " + model + " has " + graph.inputs().size());
        }
        String input = graph.inputs().get(0).name();
        List<String> sourceArgs = new ArrayList<>(List.of("--video", video));
        if (args.has("frames")) sourceArgs.addAll(List.of("--frames", args.require("frames")));
        if (args.has("size")) sourceArgs.addAll(List.of("--resize", args.require("size")));
        List<Map<String, Tensor>> frames = new ArrayList<>();
        int width = 0, height = 0;
        try (FrameSource source = FrameSource.open(Args.parse(sourceArgs, Set.of("video", "frames", "resize"), Set.of()))) {
            for (VideoFrame f; (f = source.next()) != null; ) {
                width = f.width();
                height = f.height();
                frames.add(Map.of(input, ImageTensors.fromRgb(f.rgb(), 0, f.width(), f.height(), scale)));
            }
        }
        if (frames.size() < 2) throw new Args.UsageException("need at least 2 frames (a keyframe and one more), got " + frames.size());
        ObjectNode d = JSON.createObjectNode();
        d.put("model", model.getFileName().toString());
        d.put("video", Path.of(video).getFileName().toString());
        d.put("frames", args.get("frames", "all"));
        d.put("size", width + "x" + height);
        d.put("scale", scale.name().toLowerCase());
        return new TuningInputs(model, graph, List.copyOf(frames), kind, device, precision, d);
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
