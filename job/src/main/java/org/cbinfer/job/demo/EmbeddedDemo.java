package org.cbinfer.job.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cbinfer.connectors.kafka.CameraReplay;
import org.cbinfer.job.cli.DataPaths;
import org.cbinfer.job.stream.JobConfig;
import org.cbinfer.job.stream.StreamingJob;

/**
 * The embedded streaming demo ({@code bin/cbinfer demo}): a Kafka broker (KRaft, loopback) and a local Flink cluster
 * (MiniCluster with its web dashboard) in this JVM, the topics, {@code N} cameras replaying vtest.avi into
 * the frames topic, and {@link StreamingJob} with PoseNet in between. A monitor reads the topics, prints
 * per-camera progress and writes the results and dead letters to the run directory; when every camera's frames
 * are accounted for (results or dead letters), or on {@link #stop()}, it cancels the job, shuts everything down
 * and returns the summary. A failing job is reported with its cause (and gives up after a few restarts).
 */
public final class EmbeddedDemo {
    static final String FRAMES = "frames", RESULTS = "results", DEAD_LETTERS = "dead-letters", METRICS = "camera-metrics";
    /** Restarts the job gets after a failure before the demo reports it failed. */
    static final int RESTART_ATTEMPTS = 2;

    /**
     * @param fps       frames per second per camera: negative = the video's own rate, 0 = as fast as possible
     * @param progress  time between progress blocks; zero = summary only
     * @param runDir    where the results, dead letters, per-camera metrics and checkpoints go
     */
    public record Options(int cameras, int frames, int width, int height, float threshold, int port, double fps,
                          Duration progress, Path runDir) {
        public Options {
            java.util.Objects.requireNonNull(runDir, "runDir");
            if (cameras < 1) throw new IllegalArgumentException("cameras must be at least 1, got " + cameras);
            if (frames < 1) throw new IllegalArgumentException("frames must be at least 1, got " + frames);
            if (width < 1 || height < 1) throw new IllegalArgumentException("bad size " + width + "x" + height);
            if (port < 0 || port > 65535) throw new IllegalArgumentException("bad port " + port);
        }
    }

    /** Counts of one camera, as read back from the topics. */
    public static final class CameraStats {
        public final String camera;
        public long framesIn, results, deadLetters, keyframes, deltaFrames;
        public double changedSum;

        CameraStats(String camera) {
            this.camera = camera;
        }

        /** Mean changed fraction of the input over the non-keyframe results (NaN when there are none). */
        public double meanChanged() {
            return deltaFrames == 0 ? Double.NaN : changedSum / deltaFrames;
        }

        boolean done(long expected) {
            return framesIn >= expected && results + deadLetters >= framesIn;
        }
    }

    /** The outcome: per-camera stats, totals, how it ended. */
    public record Summary(List<CameraStats> cameras, long framesIn, long results, long deadLetters, long keyframes,
                          double seconds, String ending, String jobStatus) {
        public boolean complete() {
            return ending.equals("completed");
        }
    }

    private final Options options;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final ObjectMapper json = new ObjectMapper();

    public EmbeddedDemo(Options options) {
        this.options = options;
    }

    /** Asks a running demo to stop: it then cancels the job, shuts down and returns its summary. */
    public void stop() {
        stopRequested.set(true);
    }

    public Summary run(PrintStream out) throws Exception {
        Options o = options;
        long t0 = System.nanoTime();
        int parallelism = Math.max(1, Math.min(o.cameras(), Runtime.getRuntime().availableProcessors()));
        out.printf(Locale.ROOT, "CBinfer embedded demo: %d camera%s x %d frames of vtest.avi at %dx%d, threshold %.3f, "
                        + "PoseNet, parallelism %d%n", o.cameras(), o.cameras() == 1 ? "" : "s", o.frames(),
                o.width(), o.height(), o.threshold(), parallelism);
        Files.createDirectories(o.runDir());
        out.println("run directory: " + o.runDir());

        EmbeddedKafka kafka = null;
        MiniCluster flink = null;
        Thread replayThread = null;
        CameraReplay replay = null;
        JobID jobId = null;
        String jobStatus = "not started";
        String ending;
        Map<String, CameraStats> stats = new TreeMap<>();
        try {
            kafka = EmbeddedKafka.start();
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic(FRAMES, parallelism, Map.of());
            kafka.createTopic(RESULTS, parallelism, Map.of());
            kafka.createTopic(DEAD_LETTERS, 1, Map.of());
            kafka.createTopic(METRICS, 1, Map.of());
            out.printf("kafka broker (in process) at %s; topics %s, %s, %s, %s%n", bootstrap, FRAMES, RESULTS, DEAD_LETTERS,
                    METRICS);

            Configuration conf = new Configuration();
            conf.set(RestOptions.PORT, o.port());
            conf.set(RestOptions.BIND_ADDRESS, "localhost");
            conf.set(RestOptions.ADDRESS, "localhost");
            // the dashboard shows operator metrics fresh (its default refresh is 10 s)
            conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
            flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                    .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build());
            flink.start();
            java.net.URI rest = flink.getRestAddress().get(30, TimeUnit.SECONDS);
            out.println("flink dashboard: " + (o.port() == 0 ? rest : "http://localhost:" + o.port()));

            JobConfig config = jobConfig(bootstrap, parallelism);
            Configuration jobConf = new Configuration();
            jobConf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            jobConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTART_ATTEMPTS);
            jobConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConf);
            StreamingJob.build(env, config);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName("cbinfer demo: " + o.cameras() + " cameras -> posenet");
            jobId = flink.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
            out.println("job " + jobId + " submitted");

            replay = new CameraReplay(CameraReplay.Options.builder(bootstrap, FRAMES)
                    .video(DataPaths.resolve("video/vtest.avi"))
                    .cameras(o.cameras()).spread().fps(o.fps()).loop(true).frames(o.frames())
                    .resize(o.width(), o.height()).progressInterval(Duration.ZERO).build());
            AtomicReference<Object> replayOutcome = new AtomicReference<>();
            CameraReplay r = replay;
            replayThread = new Thread(() -> {
                try {
                    replayOutcome.set(r.run(new PrintStream(OutputStream.nullOutputStream())));
                } catch (Throwable e) {
                    replayOutcome.set(e);
                }
            }, "cbinfer-demo-replay");
            replayThread.setDaemon(true);
            replayThread.start();

            ending = monitor(out, bootstrap, flink, jobId, replayThread, replayOutcome, stats, t0);
        } finally {
            // shut down in reverse: cameras, job, cluster, broker
            if (replay != null) replay.stop();
            if (replayThread != null) replayThread.join(15_000);
            if (flink != null) {
                if (jobId != null) {
                    try {
                        JobStatus s = flink.getJobStatus(jobId).get(10, TimeUnit.SECONDS);
                        if (!s.isGloballyTerminalState()) {
                            flink.cancelJob(jobId).get(30, TimeUnit.SECONDS);
                            flink.requestJobResult(jobId).get(60, TimeUnit.SECONDS);
                        }
                        jobStatus = flink.getJobStatus(jobId).get(10, TimeUnit.SECONDS).toString();
                    } catch (Exception e) {
                        jobStatus = "unknown (" + e + ")";
                    }
                }
                flink.close();
            }
            if (kafka != null) kafka.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long in = 0, res = 0, dead = 0, keys = 0;
        for (CameraStats c : stats.values()) {
            in += c.framesIn;
            res += c.results;
            dead += c.deadLetters;
            keys += c.keyframes;
        }
        Summary s = new Summary(List.copyOf(stats.values()), in, res, dead, keys, seconds, ending, jobStatus);
        printSummary(s, out);
        return s;
    }

    private JobConfig jobConfig(String bootstrap, int parallelism) throws Exception {
        Path yaml = options.runDir().resolve("demo-job.yaml");
        Files.writeString(yaml, String.join("\n",
                "kafka: {groupId: cbinfer-demo}",
                "source: {startingOffsets: earliest, bounded: false}",
                "model: {kind: pose, scale: pm1}",
                "checkpointing: {intervalMs: 2000, exactlyOnce: false}",
                "topics: {metrics: " + METRICS + "}",
                "metrics: {everyFrames: " + Math.min(10, options.frames()) + ", everySeconds: 5}",
                ""));
        return JobConfig.load(yaml, List.of(
                "kafka.bootstrap=" + bootstrap,
                "model.path=" + DataPaths.resolve("models/tfjs/posenet.json"),
                "thresholds.default=" + options.threshold(),
                "checkpointing.dir=" + options.runDir().resolve("checkpoints").toAbsolutePath().toUri(),
                "parallelism=" + parallelism));
    }

    /**
     * Reads the topics until done, stopped, the job ended or the replay failed; returns how it ended. Results,
     * dead letters and per-camera metrics are appended to the run directory as JSON lines.
     */
    private String monitor(PrintStream out, String bootstrap, MiniCluster flink, JobID jobId, Thread replayThread,
                           AtomicReference<Object> replayOutcome, Map<String, CameraStats> stats, long t0) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cbinfer-demo-monitor-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        long progressNanos = options.progress().toNanos();
        long nextProgress = System.nanoTime() + progressNanos;
        long lastStatusCheck = 0;
        JobStatus lastStatus = null;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             RunFiles files = new RunFiles(options.runDir())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(FRAMES, RESULTS, DEAD_LETTERS, METRICS)) {
                c.partitionsFor(topic, Duration.ofSeconds(10)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            for (int i = 0; i < options.cameras(); i++) stats.put("cam-" + i, new CameraStats("cam-" + i));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    count(r, stats);
                    files.write(r);
                }
                long now = System.nanoTime();
                if (progressNanos > 0 && now >= nextProgress) {
                    printProgress(out, stats, (now - t0) / 1e9);
                    nextProgress = now + progressNanos;
                }
                if (stopRequested.get()) return "stopped";
                if (!replayThread.isAlive() && replayOutcome.get() instanceof Throwable e) {
                    return "replay failed: " + e;
                }
                if (!replayThread.isAlive() && replayOutcome.get() instanceof CameraReplay.Summary s && !s.ok()) {
                    return "replay failed: " + s.error();
                }
                if (!replayThread.isAlive() && stats.values().stream().allMatch(x -> x.done(options.frames()))) {
                    // the figures of the last frames come a moment after their results
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofSeconds(1))) {
                        count(r, stats);
                        files.write(r);
                    }
                    printProgress(out, stats, (System.nanoTime() - t0) / 1e9);
                    return "completed";
                }
                if (now - lastStatusCheck > 1_000_000_000L) {
                    lastStatusCheck = now;
                    JobStatus js = flink.getJobStatus(jobId).get(10, TimeUnit.SECONDS);
                    if (js != lastStatus && (js == JobStatus.RESTARTING || js.isGloballyTerminalState())) {
                        out.println("job " + js + ": " + failureCause(flink, jobId));
                    }
                    lastStatus = js;
                    if (js.isGloballyTerminalState()) return "job ended early: " + js;
                }
            }
        }
    }

    /** The first line of the job's latest failure, or "no failure". */
    private static String failureCause(MiniCluster flink, JobID jobId) {
        try {
            var failure = flink.getExecutionGraph(jobId).get(10, TimeUnit.SECONDS).getFailureInfo();
            if (failure == null) return "no failure";
            Throwable t = failure.getException();
            String text = failure.getExceptionAsString();
            for (Throwable c = t; c != null; c = c.getCause()) text = c.getMessage() == null ? c.toString() : c.getMessage();
            return text.lines().findFirst().orElse(text);
        } catch (Exception e) {
            return "cause unknown (" + e + ")";
        }
    }

    private void count(ConsumerRecord<byte[], byte[]> r, Map<String, CameraStats> stats) {
        if (r.topic().equals(METRICS)) return;
        String camera = r.key() == null ? "?" : new String(r.key(), StandardCharsets.UTF_8);
        CameraStats s = stats.computeIfAbsent(camera, CameraStats::new);
        switch (r.topic()) {
            case FRAMES -> s.framesIn++;
            case DEAD_LETTERS -> s.deadLetters++;
            default -> {
                s.results++;
                try {
                    JsonNode st = json.readTree(r.value()).path("stats");
                    if (st.path("keyframe").asBoolean()) {
                        s.keyframes++;
                    } else {
                        s.deltaFrames++;
                        s.changedSum += st.path("changedFraction").asDouble();
                    }
                } catch (Exception ignored) {
                    // a result that is not JSON counts as a result without stats
                }
            }
        }
    }

    private static void printProgress(PrintStream out, Map<String, CameraStats> stats, double seconds) {
        for (CameraStats c : stats.values()) {
            out.printf(Locale.ROOT, "[%6.1fs] %-6s in %5d  results %5d  dead %3d  keyframes %2d  changed %s%n", seconds,
                    c.camera, c.framesIn, c.results, c.deadLetters, c.keyframes, pct(c.meanChanged()));
        }
    }

    private static String pct(double f) {
        return Double.isNaN(f) ? "    -" : String.format(Locale.ROOT, "%5.1f%%", 100 * f);
    }

    private static void printSummary(Summary s, PrintStream out) {
        out.printf(Locale.ROOT, "%nsummary (%s after %.1f s; job %s):%n", s.ending(), s.seconds(), s.jobStatus());
        out.println("camera  frames-in  results  dead-letters  keyframes  mean-changed");
        double sum = 0;
        long n = 0;
        for (CameraStats c : s.cameras()) {
            out.printf(Locale.ROOT, "%-6s  %9d  %7d  %12d  %9d  %12s%n", c.camera, c.framesIn, c.results, c.deadLetters,
                    c.keyframes, pct(c.meanChanged()));
            sum += c.changedSum;
            n += c.deltaFrames;
        }
        out.printf(Locale.ROOT, "total   %9d  %7d  %12d  %9d  %12s%n", s.framesIn(), s.results(), s.deadLetters(),
                s.keyframes(), pct(n == 0 ? Double.NaN : sum / n));
        out.printf(Locale.ROOT, "throughput: %.2f frames/s over all cameras%n", s.results() / s.seconds());
    }
}
