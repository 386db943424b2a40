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
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * {@code infer}: runs the engine alone over frames and writes every output of every frame as NHWC
 * float32 little-endian files, a {@code manifest.json} in the layout of the golden references, and a
 * {@code stats.json} with per-frame, per-layer figures, so any two runs can be compared.
 */
public final class InferCommand {
    public static final String USAGE = "infer --model PATH (--video FILE [--frames A:B] | --raw FILE --width W --height H)"
            + " [--resize WxH] --scale pm1|unit|raw --mode dense|cb [--threshold T | --thresholds FILE]"
            + " [--backend cpu|cuda] --out DIR";
    private static final ObjectMapper JSON = new ObjectMapper();

    private InferCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, Set.of("model", "video", "frames", "raw", "width", "height", "resize", "scale",
                "mode", "threshold", "thresholds", "backend", "out"), Set.of());
        Path model = Path.of(args.require("model"));
        Path dir = Path.of(args.require("out"));
        ImageTensors.Scale scale = parseScale(args.require("scale"));
        String mode = args.get("mode", "cb");
        if (!mode.equals("dense") && !mode.equals("cb")) throw new Args.UsageException("--mode is dense or cb, got " + mode);
        requireCpuBackend(args);
        Graph graph = ModelFiles.load(model);
        Thresholds thresholds = thresholds(args);
        Files.createDirectories(dir);

        String base = model.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("model", model.getFileName().toString());
        ArrayNode frames = JSON.createArrayNode();
        ArrayNode stats = JSON.createArrayNode();
        DenseExecutor dense = mode.equals("dense") ? new DenseExecutor(graph) : null;
        ChangeBasedSession cb = dense == null ? new ChangeBasedSession(graph, thresholds) : null;
        int index = 0;
        try (FrameSource source = FrameSource.open(args)) {
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

    static ImageTensors.Scale parseScale(String s) {
        try {
            return ImageTensors.Scale.parse(s);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--scale is pm1, unit or raw, got " + s);
        }
    }

    static void requireCpuBackend(Args args) {
        String backend = args.get("backend", "cpu");
        if (backend.equals("cuda")) {
            throw new Args.UsageException("the CUDA backend is not part of this build yet; use --backend cpu");
        }
        if (!backend.equals("cpu")) throw new Args.UsageException("--backend is cpu or cuda, got " + backend);
    }

    static Thresholds thresholds(Args args) throws IOException {
        if (args.has("threshold") && args.has("thresholds")) {
            throw new Args.UsageException("give --threshold or --thresholds, not both");
        }
        if (args.has("thresholds")) return Thresholds.read(Path.of(args.require("thresholds")));
        try {
            return Thresholds.uniform(args.floatValue("threshold", 0f));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
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
