package org.cbinfer.job.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.kernels.cb.ChangeBasedSession;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.LayerStats;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code infer}: runs the engine alone over frames and writes every output of every frame as NHWC
 * float32 little-endian files, a {@code manifest.json} in the layout of the golden references, and a
 * {@code stats.json} with per-frame, per-layer figures, so any two runs can be compared.
 */
@Command(name = "infer", header = "Run a model over video or raw frames; write its outputs, manifest.json and stats.json.",
        description = {
        "Run a model over video or raw frames, dense or change-based, and write every output of every frame (NHWC float32"
                + " little-endian files), manifest.json (the golden references' layout) and stats.json (per frame and layer:"
                + " changed and updated fractions, MACs done vs dense, time).",
        "Frames come from --video (decoded with FFmpeg) or from --raw RGB24 frames of --width x --height."})
public final class InferCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "a TensorFlow.js graph model (model.json) or an ONNX model (.onnx)")
    private Path model;

    @Option(names = "--video", paramLabel = "FILE", description = "the video to read (required unless --raw)")
    private Path video;

    @Option(names = "--frames", paramLabel = "A:B", description = "frames A (inclusive) to B (exclusive) of the video or raw file (default: all)")
    private FrameRange range;

    @Option(names = "--raw", paramLabel = "FILE", description = "raw RGB24 frames of --width x --height back to back, instead of --video (default: --video)")
    private Path raw;

    @Option(names = "--width", paramLabel = "W", description = "width of the --raw frames (required with --raw)")
    private int width = -1;

    @Option(names = "--height", paramLabel = "H", description = "height of the --raw frames (required with --raw)")
    private int height = -1;

    @Option(names = "--resize", paramLabel = "WxH", description = "scale the video's frames to WxH (default: the video's size; not with --raw)")
    private ImageSize resize;

    @Option(names = "--scale", required = true, paramLabel = "pm1|unit|raw",
            description = "input pixel scaling: pm1 = x/127.5-1 (PoseNet), unit = x/255 (MediaPipe segmenters), raw = 0..255")
    private ImageTensors.Scale scale;

    @Option(names = "--mode", paramLabel = "dense|cb", defaultValue = "cb",
            description = "dense passes, or change-based (cb) (default: ${DEFAULT-VALUE})")
    private String mode;

    @ArgGroup(exclusive = true, heading = "%nThresholds of the change-based mode (default: every layer 0):%n")
    private ThresholdChoice thresholds;

    @Option(names = "--backend", paramLabel = "cpu|cuda", defaultValue = "cpu",
            description = "the backend; infer runs on the CPU only so far (default: ${DEFAULT-VALUE})")
    private String backend;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the outputs, manifest.json and stats.json go")
    private Path dir;

    public InferCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (!mode.equals("dense") && !mode.equals("cb")) throw new UsageException("--mode is dense or cb, got " + mode);
        if (backend.equals("cuda")) throw new UsageException("the CUDA backend is not part of this build yet; use --backend cpu");
        if (!backend.equals("cpu")) throw new UsageException("--backend is cpu or cuda, got " + backend);
        Graph graph = ModelFiles.load(model);
        Thresholds thresholds = ThresholdChoice.resolve(this.thresholds, 0f);
        Files.createDirectories(dir);

        String base = model.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("model", model.getFileName().toString());
        ArrayNode frames = JSON.createArrayNode();
        ArrayNode stats = JSON.createArrayNode();
        DenseExecutor dense = mode.equals("dense") ? new DenseExecutor(graph) : null;
        ChangeBasedSession cb = dense == null ? new ChangeBasedSession(graph, thresholds) : null;
        int index = 0;
        try (FrameSource source = openFrames()) {
            for (VideoFrame f; (f = source.next()) != null; index++) {
                if (index == 0) {
                    manifest.put("width", f.width());
                    manifest.put("height", f.height());
                    manifest.put("scale", scale.name().toLowerCase());
                    manifest.put("layout", "NHWC");
                    manifest.put("dtype", "float32-le");
                    manifest.put("mode", mode);
                    if (cb != null) manifest.set("thresholds", thresholds.toJson());
                }
                Tensor input = ImageTensors.fromRgb(f.rgb(), 0, f.width(), f.height(), scale);
                long t0 = System.nanoTime();
                Map<String, Tensor> outputs;
                ObjectNode frameStats = stats.addObject();
                frameStats.put("index", index);
                frameStats.put("source_frame", f.index());
                if (dense != null) {
                    outputs = dense.run(input);
                    frameStats.put("ms", (System.nanoTime() - t0) / 1e6);
                } else {
                    FrameResult r = cb.process(input);
                    outputs = r.outputs();
                    write(frameStats, r);
                }
                ObjectNode entry = frames.addObject();
                entry.put("index", index);
                ArrayNode outs = entry.putArray("outputs");
                for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
                    String file = String.format("%s.f%03d.%s.f32", base, index, e.getKey().replaceAll("[^A-Za-z0-9_.-]", "_"));
                    writeNhwc(dir.resolve(file), e.getValue());
                    ObjectNode o = outs.addObject();
                    o.put("name", e.getKey());
                    ArrayNode shape = o.putArray("shape");
                    for (int d : nhwcShape(e.getValue())) shape.add(d);
                    o.put("file", file);
                }
                out.printf("frame %d (source %d): %.1f ms%s%n", index, f.index(), (System.nanoTime() - t0) / 1e6,
                        cb == null ? "" : String.format(", %.1f%% of dense MACs", 100.0 * frameStats.get("macs").asLong()
                                / Math.max(1, frameStats.get("dense_macs").asLong())));
            }
        }
        if (index == 0) throw new IOException("no frames read");
        manifest.set("frames", frames);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), manifest);
        ObjectNode statsRoot = JSON.createObjectNode();
        statsRoot.put("model", model.getFileName().toString());
        statsRoot.put("mode", mode);
        statsRoot.set("frames", stats);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("stats.json").toFile(), statsRoot);
        out.printf("wrote %d frames to %s (manifest.json, stats.json)%n", index, dir);
        return 0;
    }

    /** --video, or --raw frames of --width x --height. */
    private FrameSource openFrames() throws IOException {
        if (raw == null) {
            if (video == null) throw new UsageException("give --video FILE or --raw FILE --width W --height H");
            return FrameSource.video(video, range, resize);
        }
        if (video != null) throw new UsageException("give either --video or --raw, not both");
        if (width <= 0 || height <= 0) throw new UsageException("--raw needs --width and --height");
        if (resize != null && (resize.width() != width || resize.height() != height)) {
            throw new UsageException("--resize is not supported with --raw (frames are used at their size)");
        }
        return FrameSource.raw(raw, width, height, range);
    }

    private static void write(ObjectNode s, FrameResult r) {
        s.put("keyframe", r.stats().keyframe());
        s.put("ms", r.stats().nanos() / 1e6);
        s.put("macs", r.stats().macs());
        s.put("dense_macs", r.stats().denseMacs());
        ArrayNode layers = s.putArray("layers");
        for (LayerStats l : r.stats().layers()) {
            ObjectNode o = layers.addObject();
            o.put("name", l.name());
            o.put("op", l.type());
            o.put("changed_fraction", l.changedFraction());
            o.put("updated_fraction", l.updatedFraction());
            o.put("macs", l.macs());
            o.put("dense_macs", l.denseMacs());
            o.put("ms", l.nanos() / 1e6);
        }
    }

    static int[] nhwcShape(Tensor t) {
        int[] s = t.shape();
        return s.length == 4 ? new int[] {s[0], s[2], s[3], s[1]} : s;
    }

    private static void writeNhwc(Path file, Tensor t) throws IOException {
        float[] v = ImageTensors.toNhwc(t);
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        Files.write(file, buf.array());
    }
}
