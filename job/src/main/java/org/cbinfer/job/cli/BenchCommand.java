package org.cbinfer.job.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.cbinfer.job.cli.bench.BenchModel;
import org.cbinfer.job.cli.bench.BenchRunner;
import org.cbinfer.job.cli.bench.BenchSettings;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tensor.ImageTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: times a backend dense and change-based on the sample video with many cameras, and exports the
 * network for the PyTorch/cuDNN peer, so that both are measured in one run on the GPU machine (issue 4, item 7).
 * Prints a table and writes every figure as JSON ({@code --out}).
 */
@Command(name = "bench", header = "Time a backend dense and change-based with many cameras; export for the PyTorch peer.",
        description = {
        "Time a backend dense and change-based on the sample video with many cameras, and export the network for the"
                + " PyTorch/cuDNN peer (bench/peers/pytorch_dense.py), so that both are measured in one run on the GPU machine."
                + " Prints a table; --out writes every figure as JSON."})
public final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "scenelabel|openpose2|FILE",
            description = "a reference network by name, or a model file (TensorFlow.js model.json or .onnx)")
    private String model;

    @Option(names = "--size", paramLabel = "WxH",
            description = "input size (default: the reference network's published size; a file: its declared size)")
    private ImageSize size;

    @Option(names = "--scale", paramLabel = "pm1|unit|raw",
            description = "pixel scaling (default: a reference network's own, unit; required with a file, PoseNet: pm1)")
    private ImageTensors.Scale scale;

    @Mixin
    private BackendOptions backend;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0", description = "CUDA device index (default: ${DEFAULT-VALUE})")
    private int device;

    @Option(names = "--mode", paramLabel = "MODE", split = OptionTypes.LIST, splitSynopsisLabel = ",",
            description = "what to time, dense and/or cb: dense (Backend.dense at each --batch), cb (change-based, each threshold, each --cameras"
                    + " count) (default: dense,cb; nothing when --export is given alone)")
    private List<String> modes;

    @Option(names = "--threshold", paramLabel = "T", split = OptionTypes.LIST, splitSynopsisLabel = ",",
            description = "change-based runs with these uniform thresholds, each a run (default: 0)")
    private List<Float> threshold;

    @Option(names = "--thresholds", paramLabel = "FILE", description = "a per-layer thresholds file instead (default: the uniform --threshold)")
    private Path thresholdsFile;

    @Option(names = "--video", paramLabel = "FILE|FRAMES.rgb",
            description = "the cameras' video, or a .rgb file of raw RGB24 frames already at --size, back to back from video"
                    + " frame 0 (bench/device-run.sh decodes with OpenCV) (default: the sample data's video/vtest.avi)")
    private Path video;

    @Option(names = "--frames", paramLabel = "A:B", defaultValue = "0:200",
            description = "frames of camera 0; camera i starts i*--spread frames later (default: ${DEFAULT-VALUE})")
    private FrameRange frames;

    @Option(names = "--cameras", paramLabel = "N", split = OptionTypes.LIST, splitSynopsisLabel = ",", defaultValue = "1,8,32,128",
            description = "camera counts the change-based runs are timed with (default: ${DEFAULT-VALUE})")
    private List<Integer> cameras;

    @Option(names = "--spread", paramLabel = "N", description = "frames between the cameras' start offsets (default: evenly over the video)")
    private int spread = -1;

    @Option(names = "--batch", paramLabel = "N", split = OptionTypes.LIST, splitSynopsisLabel = ",", defaultValue = "1,8,32",
            description = "batch sizes of the dense timings (default: ${DEFAULT-VALUE})")
    private List<Integer> batches;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
            description = "change-based steps and dense calls not timed; the keyframe is one (default: ${DEFAULT-VALUE})")
    private int warmup;

    @Option(names = "--iters", paramLabel = "N", defaultValue = "20", description = "timed dense calls per batch size (default: ${DEFAULT-VALUE})")
    private int iterations;

    @Option(names = "--check-every", paramLabel = "K", defaultValue = "10",
            description = "compare camera 0 with a dense pass every K timed steps (default: ${DEFAULT-VALUE})")
    private int checkEvery;

    @Option(names = "--fallback", paramLabel = "SPEC", split = OptionTypes.LIST, splitSynopsisLabel = ",", defaultValue = "none",
            description = "per-layer dense fallbacks to run change-based with, each a run: none, measure (break-even fractions"
                    + " timed on the GPU for each camera count), a fraction for every layer, or a fallback file {\"default\": 1,"
                    + " \"probeEvery\": 16, \"layers\": {...}} (default: ${DEFAULT-VALUE})")
    private List<String> fallbacks;

    @Option(names = "--probe-every", paramLabel = "N", defaultValue = "" + DenseFallback.DEFAULT_PROBE_EVERY,
            description = "frames between the fallback's probes, for measure and fraction fallbacks (default: ${DEFAULT-VALUE})")
    private int probeEvery;

    @Option(names = "--fallback-out", paramLabel = "FILE",
            description = "write the break-even fractions measured for the first --cameras count to FILE, a fallback file for"
                    + " backend.fallback (needs --fallback measure; default: not written)")
    private Path fallbackOut;

    @Option(names = "--outputs", paramLabel = "full|labels", defaultValue = "full",
            description = "full: every output as fp32 tensors; labels: the scene labeling network's label map, made where"
                    + " the backend computes (on the GPU only one byte a pixel goes down) (default: ${DEFAULT-VALUE})")
    private Outputs outputs;

    /** What a timed call brings back. */
    enum Outputs { full, labels }

    @Option(names = "--out", paramLabel = "FILE.json", description = "write every figure as JSON (default: the table only)")
    private Path json;

    @Option(names = "--power", paramLabel = "FILE.png",
            description = "plot the GPU's power over the run, a marker per timed part (NVML; joules per frame are reported"
                    + " whenever the GPU's energy counter reads) (default: no plot)")
    private Path power;

    @Option(names = "--export", paramLabel = "DIR",
            description = "write graph.json, weights.f32 and a reference frame with our CPU outputs for"
                    + " bench/peers/pytorch_dense.py (default: no export)")
    private Path export;

    public BenchCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        BenchModel model = BenchModel.resolve(this.model, scale);
        int width = size != null ? size.width() : model.defaultWidth();
        int height = size != null ? size.height() : model.defaultHeight();
        if (width <= 0 || height <= 0) throw new UsageException(model.name() + " accepts any input size: give --size WxH");
        model.inputShape(width, height);
        List<String> modes = this.modes != null ? this.modes : export != null ? List.of() : List.of("dense", "cb");
        for (String m : modes) {
            if (!m.equals("dense") && !m.equals("cb")) throw new UsageException("--mode lists dense and/or cb, got " + m);
        }
        BenchSettings s = new BenchSettings(model, width, height, backend.kind(), device, backend.precision(),
                video != null ? video : DataPaths.resolve("video/vtest.avi"), frames.from(), (int) frames.count(), spread,
                positive("--cameras", cameras), positive("--batch", batches), nonNegative("--warmup", warmup),
                positive("--iters", iterations), positive("--check-every", checkEvery), fallbacks,
                positive("--probe-every", probeEvery), fallbackOut,
                outputs == Outputs.labels);
        if (s.fallbackOut() != null && !s.fallbacks().contains("measure")) {
            throw new UsageException("--fallback-out needs --fallback measure");
        }

        if (export != null) new BenchRunner(s, out).export(export);
        if (modes.isEmpty()) return 0;

        ObjectNode root = JSON.createObjectNode();
        root.put("command", String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        root.put("date", Instant.now().toString());
        ObjectNode results = new BenchRunner(s, out).run(modes.contains("dense"), modes.contains("cb") ? thresholds() : List.of(), power);
        root.setAll(results);
        if (json != null) {
            JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
            out.println("wrote " + json);
        }
        return 0;
    }

    /** The --thresholds file, or one uniform threshold per --threshold value (default 0). */
    private List<Thresholds> thresholds() throws IOException {
        if (threshold != null && thresholdsFile != null) throw new UsageException("give --threshold or --thresholds, not both");
        if (thresholdsFile != null) return List.of(Thresholds.read(thresholdsFile));
        List<Thresholds> list = new ArrayList<>();
        for (float v : threshold != null ? threshold : List.of(0f)) {
            try {
                list.add(Thresholds.uniform(v));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--threshold expects numbers >= 0, got " + v);
            }
        }
        return list;
    }

    private static List<Integer> positive(String option, List<Integer> values) {
        for (int v : values) positive(option, v);
        return values;
    }

    private static int positive(String option, int v) {
        if (v <= 0) throw new UsageException(option + " must be positive, got " + v);
        return v;
    }

    private static int nonNegative(String option, int v) {
        if (v < 0) throw new UsageException(option + " must be >= 0, got " + v);
        return v;
    }
}
