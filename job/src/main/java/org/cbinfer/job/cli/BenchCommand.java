package org.cbinfer.job.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cbinfer.job.cli.bench.BenchModel;
import org.cbinfer.job.cli.bench.BenchRunner;
import org.cbinfer.job.cli.bench.BenchSettings;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.Thresholds;

/**
 * {@code bench}: times a backend dense and change-based on the sample video with many cameras, and exports the
 * network for the PyTorch/cuDNN peer, so that both are measured in one run on the GPU machine (issue 4, item 7).
 * Prints a table and writes every figure as JSON ({@code --out}).
 */
public final class BenchCommand {
    public static final String USAGE = String.join("\n",
            "bench --model scenelabel|openpose2|FILE [--size WxH] [--scale pm1|unit|raw]",
            "        [--backend cpu|cuda|auto] [--device N] [--precision fp32|tf32|fp16] [--mode dense,cb]",
            "        [--threshold T[,T...] | --thresholds FILE] [--video FILE|FRAMES.rgb] [--frames A:B] [--cameras 1,8,32,128]",
            "        [--spread N] [--batch 1,8,32] [--warmup N] [--iters N] [--check-every K] [--fallback none,measure]",
            "        [--probe-every N] [--fallback-out FILE]",
            "        [--outputs full|labels] [--out FILE.json] [--power FILE.png] [--export DIR]",
            "  --size       input size (default: the reference network's published size; files: their declared size)",
            "  --scale      pixel scaling; reference networks default to theirs (unit), files need it (PoseNet: pm1)",
            "  --mode       what to time: dense (Backend.dense at each --batch), cb (change-based, each threshold, each",
            "               --cameras count); default dense,cb, or nothing when --export is given alone",
            "  --video      the cameras' video (default: the sample vtest.avi), or a .rgb file of raw RGB24 frames",
            "               already at --size, back to back from video frame 0 (bench/device-run.sh decodes with OpenCV)",
            "  --frames     frames of camera 0 (default 0:200); camera i starts i*--spread frames later",
            "               (default spread: evenly over the video)",
            "  --warmup     change-based steps and dense calls not timed (default 3; the keyframe is one)",
            "  --iters      timed dense calls per batch size (default 20)",
            "  --check-every  compare camera 0 with a dense pass every K timed steps (default 10)",
            "  --fallback   per-layer dense fallbacks to run change-based with, each a run (default none): none,",
            "               measure (break-even fractions timed on the GPU for each camera count), a fraction for",
            "               every layer, or a fallback file {\"default\": 1, \"probeEvery\": 16, \"layers\": {...}}",
            "  --probe-every  frames between the fallback's probes for measure and fraction fallbacks (default 16)",
            "  --fallback-out  write the break-even fractions measured for the first --cameras count to FILE (a",
            "               fallback file for backend.fallback)",
            "  --outputs    full (default): every output as fp32 tensors; labels: the scene labeling network's label map,",
            "               made where the backend computes (on the GPU: only one byte a pixel goes down)",
            "  --power      plot the GPU's power over the run, a marker per timed part, to FILE.png (NVML; the",
            "               joules per frame are reported whenever the backend is a GPU whose energy NVML reads)",
            "  --export     write graph.json, weights.f32 and a reference frame with our CPU outputs for",
            "               bench/peers/pytorch_dense.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, Set.of("model", "size", "scale", "backend", "device", "precision", "mode", "threshold",
                "thresholds", "video", "frames", "cameras", "spread", "batch", "warmup", "iters", "check-every", "out",
                "export", "fallback", "probe-every", "fallback-out", "power", "outputs"), Set.of());
        BenchModel model = BenchModel.resolve(args.require("model"), args.get("scale", null));
        int[] size = args.size("size");
        int width = size != null ? size[0] : model.defaultWidth();
        int height = size != null ? size[1] : model.defaultHeight();
        if (width <= 0 || height <= 0) throw new Args.UsageException(model.name() + " accepts any input size: give --size WxH");
        model.inputShape(width, height);
        long[] range = args.range("frames");
        long from = range == null ? 0 : range[0];
        int steps = (int) (range == null ? 200 : range[1] - range[0]);
        List<String> modes = csv(args.get("mode", args.has("export") ? "" : "dense,cb"));
        for (String m : modes) {
            if (!m.equals("dense") && !m.equals("cb")) throw new Args.UsageException("--mode lists dense and/or cb, got " + m);
        }
        BenchSettings s = new BenchSettings(model, width, height, kind(args), args.intValue("device", 0), precision(args),
                Path.of(args.get("video", DataPaths.resolve("video/vtest.avi").toString())), from, steps,
                args.intValue("spread", -1), positiveInts(args, "cameras", "1,8,32,128"), positiveInts(args, "batch", "1,8,32"),
                nonNegative(args, "warmup", 3), positive(args, "iters", 20), positive(args, "check-every", 10),
                csv(args.get("fallback", "none")), positive(args, "probe-every", DenseFallback.DEFAULT_PROBE_EVERY),
                args.has("fallback-out") ? Path.of(args.require("fallback-out")) : null, labels(args));
        if (s.fallbackOut() != null && !s.fallbacks().contains("measure")) {
            throw new Args.UsageException("--fallback-out needs --fallback measure");
        }

        if (args.has("export")) new BenchRunner(s, out).export(Path.of(args.require("export")));
        if (modes.isEmpty()) return 0;

        ObjectNode root = JSON.createObjectNode();
        root.put("command", "bench " + String.join(" ", argv));
        root.put("date", Instant.now().toString());
        ObjectNode results = new BenchRunner(s, out).run(modes.contains("dense"), modes.contains("cb") ? thresholds(args) : List.of(),
                args.has("power") ? Path.of(args.require("power")) : null);
        root.setAll(results);
        if (args.has("out")) {
            Path file = Path.of(args.require("out"));
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
            out.println("wrote " + file);
        }
        return 0;
    }

    private static BackendBuilder.Kind kind(Args args) {
        try {
            return BackendBuilder.Kind.parse(args.get("backend", "cpu"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    /** --outputs: true for labels. */
    private static boolean labels(Args args) {
        String outputs = args.get("outputs", "full");
        if (!outputs.equals("full") && !outputs.equals("labels")) throw new Args.UsageException("--outputs is full or labels, got " + outputs);
        return outputs.equals("labels");
    }

    private static Precision precision(Args args) {
        try {
            return Precision.parse(args.get("precision", "fp32"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    /** The --thresholds file, or one uniform threshold per --threshold value (default 0). */
    private static List<Thresholds> thresholds(Args args) throws IOException {
        if (args.has("threshold") && args.has("thresholds")) throw new Args.UsageException("give --threshold or --thresholds, not both");
        if (args.has("thresholds")) return List.of(Thresholds.read(Path.of(args.require("thresholds"))));
        List<Thresholds> list = new ArrayList<>();
        for (String v : csv(args.get("threshold", "0"))) {
            try {
                list.add(Thresholds.uniform(Float.parseFloat(v)));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--threshold expects numbers >= 0, got '" + v + "'");
            }
        }
        return list;
    }

    private static List<String> csv(String v) {
        return v.isBlank() ? List.of() : List.of(v.trim().split("\\s*,\\s*"));
    }

    private static List<Integer> positiveInts(Args args, String name, String fallback) {
        List<Integer> list = new ArrayList<>();
        for (String v : csv(args.get(name, fallback))) {
            try {
                int n = Integer.parseInt(v);
                if (n <= 0) throw new NumberFormatException();
                list.add(n);
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--" + name + " expects positive integers separated by commas, got '" + v + "'");
            }
        }
        if (list.isEmpty()) throw new Args.UsageException("--" + name + " is empty");
        return list;
    }

    private static int positive(Args args, String name, int fallback) {
        int v = args.intValue(name, fallback);
        if (v <= 0) throw new Args.UsageException("--" + name + " must be positive, got " + v);
        return v;
    }

    private static int nonNegative(Args args, String name, int fallback) {
        int v = args.intValue(name, fallback);
        if (v < 0) throw new Args.UsageException("--" + name + " must be >= 0, got " + v);
        return v;
    }
}
