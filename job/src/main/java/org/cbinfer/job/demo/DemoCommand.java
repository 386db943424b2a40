package org.cbinfer.job.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cbinfer.job.CliLogging;
import org.cbinfer.job.cli.BackendOptions;
import org.cbinfer.job.cli.ImageSize;
import org.cbinfer.job.cli.ThresholdChoice;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.operators.inference.DeviceAssignment;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the product's embedded default (see {@link EmbeddedDemo}). Ctrl-C stops it cleanly and still
 * prints the summary. Flink's and Kafka's logs go to {@code cbinfer.log} in the run directory.
 * {@code demo --engine-only} is the engine-only demo ({@code engine-demo}): {@code Cli} hands such a command line
 * to that command before parsing, because its options are that command's.
 */
@Command(name = "demo", header = "Kafka + Flink in process: cameras replaying the sample video through the streaming job with PoseNet.",
        description = {
        "Embedded: a Kafka broker and a local Flink cluster (dashboard on --port) in this process; N cameras replay"
                + " vtest.avi into Kafka; the streaming job runs PoseNet change-based; per-camera progress, then a summary"
                + " (also as summary.json in the run directory: counts, throughput, latency percentiles)."})
public final class DemoCommand implements Callable<Integer> {
    /** The option that turns {@code demo} into {@code engine-demo}. */
    public static final String ENGINE_ONLY = "--engine-only";

    private final PrintStream out;

    @Option(names = "--cameras", paramLabel = "N", defaultValue = "4",
            description = "cameras, their start offsets spread over the video (default: ${DEFAULT-VALUE})")
    private int cameras;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "100", description = "frames per camera, then stop (default: ${DEFAULT-VALUE})")
    private int frames;

    @Option(names = "--size", paramLabel = "WxH", description = "frame size (default: 257x193)")
    private ImageSize size;

    @ArgGroup(exclusive = true, heading = "%nThresholds (default: every layer 0.03):%n")
    private ThresholdChoice thresholds;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8081",
            description = "Flink dashboard / REST port, 0 = any free port (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--fps", paramLabel = "F",
            description = "frames per second per camera, 0 = as fast as possible (default: the video's 10 fps)")
    private Float fps;

    @Option(names = "--progress", paramLabel = "SECONDS", defaultValue = "2",
            description = "seconds between progress blocks, 0 = summary only (default: ${DEFAULT-VALUE})")
    private float progress;

    @Option(names = "--out", paramLabel = "DIR",
            description = "run directory: results.jsonl, dead-letters.jsonl, camera-metrics.jsonl, summary.json, cbinfer.log,"
                    + " checkpoints/ (default: runs/demo-<date>-<time>)")
    private Path runDirectory;

    @Mixin
    private BackendOptions backend;

    @Option(names = "--devices", paramLabel = "LIST",
            description = "GPU indexes the inference subtasks spread over, e.g. 0,1: subtask i uses the (i mod n)-th (default: 0)")
    private String devices;

    @Option(names = "--parallelism", paramLabel = "N",
            description = "the job's parallelism: inference subtasks, each with its own backend (default: min(cameras, cores))")
    private int parallelism;

    @Option(names = "--batch-max-size", paramLabel = "N", description = "frames of different cameras inferred together (default: 8)")
    private int batchMaxSize;

    @Option(names = "--batch-max-wait-ms", paramLabel = "MS", description = "the longest a frame waits for its batch to fill (default: 20)")
    private long batchMaxWaitMs = -1;

    @Option(names = "--raw", paramLabel = "FILE",
            description = "replay raw RGB24 frames of --width x --height back to back (bench/decode_frames.py) instead of"
                    + " decoding vtest.avi: no FFmpeg needed; 10 fps unless --fps (default: decode vtest.avi)")
    private Path raw;

    @Option(names = "--width", paramLabel = "W", description = "width of the --raw frames (required with --raw)")
    private int width = -1;

    @Option(names = "--height", paramLabel = "H", description = "height of the --raw frames (required with --raw)")
    private int height = -1;

    // declared for the help and the parser's sake only: Cli turns such a command line into engine-demo's first
    @Option(names = ENGINE_ONLY, description = "run 'engine-demo' instead, with its options: the engine alone, no Kafka or Flink")
    private boolean engineOnly;

    public DemoCommand(PrintStream out) {
        this.out = out;
    }

    /**
     * {@code demo --engine-only ...} as the {@code engine-demo} command line it stands for; any other command line
     * as it is.
     */
    public static List<String> engineOnlyAsEngineDemo(List<String> argv) {
        if (argv.isEmpty() || !argv.get(0).equals("demo") || !argv.contains(ENGINE_ONLY)) return argv;
        List<String> engineDemo = new ArrayList<>(List.of("engine-demo"));
        argv.subList(1, argv.size()).stream().filter(a -> !a.equals(ENGINE_ONLY)).forEach(engineDemo::add);
        return engineDemo;
    }

    private static Path runDir(Path out) {
        if (out != null) return out.toAbsolutePath();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        return Path.of("runs", "demo-" + stamp).toAbsolutePath();
    }

    EmbeddedDemo.Options options() {
        EmbeddedDemo.Options.Builder b = EmbeddedDemo.Options.builder(runDir(runDirectory))
                .cameras(cameras).frames(frames).port(port).fps(fps != null ? fps : -1)
                .progress(Duration.ofMillis(Math.round(1000.0 * progress)))
                .backend(backend.kind(), backend.precision())
                .parallelism(parallelism)
                .batch(batchMaxSize, batchMaxWaitMs);
        b.threshold(thresholds != null && thresholds.threshold() != null ? thresholds.threshold() : 0.03f);
        if (thresholds != null && thresholds.file() != null) b.thresholdsFile(thresholds.file().toAbsolutePath());
        if (devices != null) {
            try {
                b.devices(DeviceAssignment.parseList(devices));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--devices: " + e.getMessage());
            }
        }
        if (raw != null) {
            if (size != null) throw new UsageException("--raw frames have the size --width x --height; leave out --size");
            if (width <= 0 || height <= 0) throw new UsageException("--raw needs --width and --height");
            b.rawFrames(raw.toAbsolutePath()).size(width, height);
        } else {
            if (width != -1 || height != -1) throw new UsageException("--width/--height go with --raw; use --size");
            ImageSize s = size != null ? size : new ImageSize(257, 193);
            b.size(s.width(), s.height());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (engineOnly) throw new IllegalStateException(ENGINE_ONLY + " reached demo: Cli hands it to engine-demo");
        EmbeddedDemo.Options options = options();
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
