package org.cbinfer.job.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cbinfer.job.CliLogging;
import org.cbinfer.job.cli.Args;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.operators.inference.DeviceAssignment;

/**
 * {@code demo}: the product's embedded default (see {@link EmbeddedDemo}). Ctrl-C stops it cleanly and still
 * prints the summary. Flink's and Kafka's logs go to {@code cbinfer.log} in the run directory.
 * {@code demo --engine-only} is the engine-only demo ({@code engine-demo}).
 */
public final class DemoCommand {
    public static final String USAGE = String.join("\n",
            "demo [--cameras N] [--frames N] [--size WxH] [--threshold T | --thresholds FILE] [--port P] [--fps F]",
            "     [--progress SECONDS] [--out DIR] [--backend cpu|cuda|auto] [--precision fp32|tf32|fp16] [--devices LIST]",
            "     [--parallelism N] [--batch-max-size N] [--batch-max-wait-ms MS] [--raw FILE --width W --height H]",
            "  a Kafka broker and a local Flink cluster (dashboard on --port) in this process; N cameras replay",
            "  vtest.avi into Kafka; the streaming job runs PoseNet change-based; per-camera progress, then a summary",
            "  (also as summary.json in the run directory: counts, throughput, latency percentiles)",
            "  --cameras     cameras (default 4, start offsets spread over the video)",
            "  --frames      frames per camera, then stop (default 100)",
            "  --size        frame size (default 257x193)",
            "  --threshold   change threshold of every layer (default 0.03)",
            "  --thresholds  a thresholds JSON instead (per layer, e.g. conf/thresholds/posenet-vtest-385x385.json)",
            "  --port        Flink dashboard / REST port (default 8081; 0 = any free port)",
            "  --fps         frames per second per camera, 0 = as fast as possible (default: the video's 10 fps)",
            "  --progress    seconds between progress blocks (default 2; 0 = summary only)",
            "  --out         run directory: results.jsonl, dead-letters.jsonl, camera-metrics.jsonl, summary.json,",
            "                cbinfer.log, checkpoints/ (default runs/demo-<date>-<time>)",
            "  --backend     cpu (default), cuda, or auto (CUDA when a GPU and the kernels are present)",
            "  --precision   fp32 (default), tf32 or fp16 (CUDA only)",
            "  --devices     GPU indexes the inference subtasks spread over, e.g. 0,1 (subtask i: i mod n; default 0)",
            "  --parallelism the job's parallelism: inference subtasks, each with its own backend (default min(cameras, cores))",
            "  --batch-max-size, --batch-max-wait-ms   the job's micro-batching (default 8 frames, 20 ms)",
            "  --raw FILE --width W --height H   replay raw RGB24 frames of WxH back to back (bench/decode_frames.py)",
            "                instead of decoding vtest.avi (no FFmpeg needed; 10 fps unless --fps)",
            "demo --engine-only [engine demo options]   (same as 'engine-demo': the engine alone, no Kafka/Flink)");

    private DemoCommand() {}

    private static Path runDir(String out) {
        if (out != null) return Path.of(out).toAbsolutePath();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        return Path.of("runs", "demo-" + stamp).toAbsolutePath();
    }

    static EmbeddedDemo.Options options(Args args) {
        EmbeddedDemo.Options.Builder b = EmbeddedDemo.Options.builder(runDir(args.get("out", null)))
                .cameras(args.intValue("cameras", 4)).frames(args.intValue("frames", 100))
                .port(args.intValue("port", 8081)).fps(args.has("fps") ? args.floatValue("fps", 0) : -1)
                .progress(Duration.ofMillis(Math.round(1000.0 * args.floatValue("progress", 2))))
                .backend(BackendBuilder.Kind.parse(args.get("backend", "cpu")), Precision.parse(args.get("precision", "fp32")))
                .parallelism(args.intValue("parallelism", 0))
                .batch(args.intValue("batch-max-size", 0), args.intValue("batch-max-wait-ms", -1));
        if (args.has("threshold") && args.has("thresholds")) throw new Args.UsageException("give --threshold or --thresholds, not both");
        b.threshold(args.floatValue("threshold", 0.03f));
        if (args.has("thresholds")) b.thresholdsFile(Path.of(args.require("thresholds")).toAbsolutePath());
        if (args.has("devices")) {
            try {
                b.devices(DeviceAssignment.parseList(args.require("devices")));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--devices: " + e.getMessage());
            }
        }
        if (args.has("raw")) {
            if (args.has("size")) throw new Args.UsageException("--raw frames have the size --width x --height; leave out --size");
            int w = args.intValue("width", -1), h = args.intValue("height", -1);
            if (w <= 0 || h <= 0) throw new Args.UsageException("--raw needs --width and --height");
            b.rawFrames(Path.of(args.require("raw")).toAbsolutePath()).size(w, h);
        } else {
            if (args.has("width") || args.has("height")) throw new Args.UsageException("--width/--height go with --raw; use --size");
            int[] size = args.size("size") == null ? new int[] {257, 193} : args.size("size");
            b.size(size[0], size[1]);
        }
        return b.build();
    }

    public static int run(List<String> argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, Set.of("cameras", "frames", "size", "threshold", "thresholds", "port", "fps", "progress",
                "out", "backend", "precision", "devices", "parallelism", "batch-max-size", "batch-max-wait-ms", "raw", "width",
                "height"), Set.of());
        EmbeddedDemo.Options options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        // before anything starts Flink or Kafka (and with them log4j)
        CliLogging.logTo(options.runDir().resolve("cbinfer.log"));
        out.println("log: " + CliLogging.file());
        EmbeddedDemo demo = new EmbeddedDemo(options);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            demo.stop();
            try {
                finished.await(60, TimeUnit.SECONDS); // let run() shut down and print its summary
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "cbinfer-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            EmbeddedDemo.Summary s = demo.run(out);
            return s.complete() || s.ending().equals("stopped") ? 0 : 1;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it only waits for the latch
            }
        }
    }
}
