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

/**
 * {@code demo}: the product's embedded default (see {@link EmbeddedDemo}). Ctrl-C stops it cleanly and still
 * prints the summary. Flink's and Kafka's logs go to {@code cbinfer.log} in the run directory.
 * {@code demo --engine-only} is the engine-only demo ({@code engine-demo}).
 */
public final class EmbeddedDemoCommand {
    public static final String USAGE = String.join("\n",
            "demo [--cameras N] [--frames N] [--size WxH] [--threshold T] [--port P] [--fps F] [--progress SECONDS] [--out DIR]",
            "  a Kafka broker and a local Flink cluster (dashboard on --port) in this process; N cameras replay",
            "  vtest.avi into Kafka; the streaming job runs PoseNet change-based on the CPU; per-camera progress",
            "  --cameras   cameras (default 4, start offsets spread over the video)",
            "  --frames    frames per camera, then stop (default 100)",
            "  --size      frame size (default 257x193)",
            "  --threshold change threshold of every layer (default 0.03)",
            "  --port      Flink dashboard / REST port (default 8081; 0 = any free port)",
            "  --fps       frames per second per camera, 0 = as fast as possible (default: the video's 10 fps)",
            "  --progress  seconds between progress blocks (default 2; 0 = summary only)",
            "  --out       run directory: results.jsonl, dead-letters.jsonl, camera-metrics.jsonl, cbinfer.log,",
            "              checkpoints/ (default runs/demo-<date>-<time>)",
            "demo --engine-only [engine demo options]   (same as 'engine-demo': the engine alone, no Kafka/Flink)");

    private EmbeddedDemoCommand() {}

    private static Path runDir(String out) {
        if (out != null) return Path.of(out).toAbsolutePath();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        return Path.of("runs", "demo-" + stamp).toAbsolutePath();
    }

    public static int run(List<String> argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, Set.of("cameras", "frames", "size", "threshold", "port", "fps", "progress", "out"), Set.of());
        int[] size = args.size("size") == null ? new int[] {257, 193} : args.size("size");
        EmbeddedDemo.Options options;
        try {
            options = new EmbeddedDemo.Options(args.intValue("cameras", 4), args.intValue("frames", 100), size[0], size[1],
                    args.floatValue("threshold", 0.03f), args.intValue("port", 8081),
                    args.has("fps") ? args.floatValue("fps", 0) : -1,
                    Duration.ofMillis(Math.round(1000.0 * args.floatValue("progress", 2))), runDir(args.get("out", null)));
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
