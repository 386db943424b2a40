package org.cbinfer.job.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.replay.CameraReplay;
import org.cbinfer.connectors.video.VideoSource;
import org.cbinfer.job.cli.DataPaths;
import org.cbinfer.job.stream.JobConfig;
import org.cbinfer.job.stream.StreamingJob;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.testkit.EmbeddedKafka;

/**
 * The embedded streaming demo ({@code bin/cbinfer demo}): a Kafka broker (KRaft, loopback) and a local Flink cluster
 * (MiniCluster with its web dashboard) in this JVM, the topics, {@code N} cameras replaying vtest.avi (or a file of raw
 * RGB24 frames, on machines without FFmpeg) into the frames topic, and {@link StreamingJob} with PoseNet in between, on
 * the backend, precision and devices of the {@link Options}. A monitor reads the topics, prints per-camera progress and
 * writes the results and dead letters to the run directory; when every camera's frames are accounted for (results or
 * dead letters), or on {@link #stop()}, it cancels the job, shuts everything down, prints the summary and writes it
 * as {@code summary.json} (counts, throughput, latencies: see {@link DemoFigures}). A failing job is reported with
 * its cause (and gives up after a few restarts).
 */
public final class EmbeddedDemo {
    static final String FRAMES = "frames", RESULTS = "results", DEAD_LETTERS = "dead-letters", METRICS = "camera-metrics";
    /** Restarts the job gets after a failure before the demo reports it failed. */
    static final int RESTART_ATTEMPTS = 2;
    /** Raw frames carry no frame rate: they are replayed at vtest.avi's unless told otherwise. */
    static final double RAW_FPS = 10;

    /**
     * What the demo runs; build with {@link #builder(Path)}.
     *
     * @param cameras        cameras replaying the video (start offsets spread over it)
     * @param frames         frames per camera, then the demo stops
     * @param width          frame width (the video is resized to it; raw frames must have it)
     * @param height         frame height
     * @param threshold      the change threshold of every layer, unless {@code thresholdsFile}
     * @param thresholdsFile a thresholds JSON (per layer, as the tuner writes), or null
     * @param rawFrames      a file of raw RGB24 frames of {@code width x height} to replay instead of decoding vtest.avi
     *                       (no FFmpeg needed), or null
     * @param port           Flink dashboard / REST port (0: any free port)
     * @param fps            frames per second per camera: negative = the video's own rate (10 for raw frames),
     *                       0 = as fast as possible
     * @param progress       time between progress blocks; zero = summary only
     * @param backend        the inference backend
     * @param precision      its precision (the CPU backend: fp32 only)
     * @param devices        the device list the inference subtasks spread over (subtask i: devices[i mod n])
     * @param parallelism    the job's parallelism (each inference subtask one backend); 0 = min(cameras, cores)
     * @param batchMaxSize   the job's {@code batch.maxSize}; 0 = the job's default
     * @param batchMaxWaitMs the job's {@code batch.maxWaitMs}; negative = the job's default
     * @param runDir         where the results, dead letters, per-camera metrics, summary and checkpoints go
     */
    public record Options(int cameras, int frames, int width, int height, float threshold, Path thresholdsFile,
                          Path rawFrames, int port, double fps, Duration progress, BackendBuilder.Kind backend,
                          Precision precision, List<Integer> devices, int parallelism, int batchMaxSize, long batchMaxWaitMs,
                          Path runDir) {
        public Options {
            java.util.Objects.requireNonNull(runDir, "runDir");
            java.util.Objects.requireNonNull(progress, "progress");
            java.util.Objects.requireNonNull(backend, "backend");
            java.util.Objects.requireNonNull(precision, "precision");
            devices = List.copyOf(devices);
            if (cameras < 1) throw new IllegalArgumentException("cameras must be at least 1, got " + cameras);
            if (frames < 1) throw new IllegalArgumentException("frames must be at least 1, got " + frames);
            if (width < 1 || height < 1) throw new IllegalArgumentException("bad size " + width + "x" + height);
            if (!(threshold >= 0) || Float.isInfinite(threshold)) {
                throw new IllegalArgumentException("threshold must be a finite number >= 0, got " + threshold);
            }
            if (thresholdsFile != null && !Files.isRegularFile(thresholdsFile)) {
                throw new IllegalArgumentException("no thresholds file " + thresholdsFile);
            }
            if (rawFrames != null && !Files.isRegularFile(rawFrames)) throw new IllegalArgumentException("no raw frames file " + rawFrames);
            if (port < 0 || port > 65535) throw new IllegalArgumentException("bad port " + port);
            if (backend == BackendBuilder.Kind.CPU && precision != Precision.FP32) {
                throw new IllegalArgumentException("the CPU backend computes in fp32 only, not " + precision.label());
            }
            if (devices.isEmpty()) throw new IllegalArgumentException("the device list is empty");
            if (parallelism < 0) throw new IllegalArgumentException("parallelism must be >= 0 (0: automatic), got " + parallelism);
            if (batchMaxSize < 0) throw new IllegalArgumentException("batch max size must be >= 1, got " + batchMaxSize);
        }

        /** Defaults: 4 cameras x 100 frames of vtest.avi at 257x193, threshold 0.03, the CPU backend... see {@link Builder}. */
        public static Builder builder(Path runDir) {
            return new Builder(runDir);
        }

        /** The parallelism the job runs with. */
        int effectiveParallelism() {
            return parallelism > 0 ? parallelism : Math.max(1, Math.min(cameras, Runtime.getRuntime().availableProcessors()));
        }

        /** What the thresholds are, for people: "0.030 (every layer)" or the file. */
        String thresholdsLabel() {
            return thresholdsFile != null ? "file " + thresholdsFile : String.format(Locale.ROOT, "%.3f (every layer)", threshold);
        }

        /**
         * Options with defaults: 4 cameras x 100 frames of vtest.avi at 257x193, threshold 0.03 on every layer, dashboard on
         * port 8081, the video's 10 fps, progress every 2 s, the CPU backend in fp32 on device 0, parallelism min(cameras,
         * cores), the job's batching defaults.
         */
        public static final class Builder {
            private final Path runDir;
            private int cameras = 4, frames = 100, width = 257, height = 193, port = 8081, parallelism, batchMaxSize;
            private float threshold = 0.03f;
            private Path thresholdsFile, rawFrames;
            private double fps = -1;
            private Duration progress = Duration.ofSeconds(2);
            private BackendBuilder.Kind backend = BackendBuilder.Kind.CPU;
            private Precision precision = Precision.FP32;
            private List<Integer> devices = List.of(0);
            private long batchMaxWaitMs = -1;

            private Builder(Path runDir) {
                this.runDir = runDir;
            }

            public Builder cameras(int n) { cameras = n; return this; }
            public Builder frames(int n) { frames = n; return this; }
            public Builder size(int w, int h) { width = w; height = h; return this; }
            public Builder threshold(float t) { threshold = t; return this; }
            public Builder thresholdsFile(Path f) { thresholdsFile = f; return this; }
            /** Raw RGB24 frames of the {@link #size} to replay instead of vtest.avi. */
            public Builder rawFrames(Path f) { rawFrames = f; return this; }
            public Builder port(int p) { port = p; return this; }
            public Builder fps(double f) { fps = f; return this; }
            public Builder progress(Duration d) { progress = d; return this; }
            public Builder backend(BackendBuilder.Kind kind, Precision p) { backend = kind; precision = p; return this; }
            public Builder devices(List<Integer> d) { devices = d; return this; }
            public Builder parallelism(int p) { parallelism = p; return this; }
            public Builder batch(int maxSize, long maxWaitMs) { batchMaxSize = maxSize; batchMaxWaitMs = maxWaitMs; return this; }

            public Options build() {
                return new Options(cameras, frames, width, height, threshold, thresholdsFile, rawFrames, port, fps, progress,
                        backend, precision, devices, parallelism, batchMaxSize, batchMaxWaitMs, runDir);
            }
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

    /** The outcome: per-camera stats, totals, timing figures, how it ended. */
    public record Summary(List<CameraStats> cameras, long framesIn, long results, long deadLetters, long keyframes,
                          double seconds, DemoFigures figures, String ending, String jobStatus) {
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
        int parallelism = o.effectiveParallelism();
        out.printf(Locale.ROOT, "CBinfer embedded demo: %d camera%s x %d frames of %s at %dx%d, thresholds %s, "
                        + "PoseNet on %s %s (devices %s), parallelism %d%n", o.cameras(), o.cameras() == 1 ? "" : "s",
                o.frames(), o.rawFrames() != null ? o.rawFrames().getFileName() : "vtest.avi", o.width(), o.height(),
                o.thresholdsLabel(), o.backend().name().toLowerCase(Locale.ROOT), o.precision().label(), o.devices(),
                parallelism);
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
        DemoFigures figures = new DemoFigures();
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
                    .source(o.rawFrames() != null ? VideoSource.raw(o.rawFrames(), o.width(), o.height())
                            : VideoSource.file(DataPaths.resolve("video/vtest.avi")))
                    .cameras(o.cameras()).spread().fps(o.fps() < 0 && o.rawFrames() != null ? RAW_FPS : o.fps()).loop(true)
                    .frames(o.frames()).resize(o.width(), o.height()).progressInterval(Duration.ZERO)
                    // raw frames travel raw: the exact pixels of the file (no JPEG loss), as the bench sees them
                    .encoding(o.rawFrames() != null ? FrameEncoding.RGB24 : FrameEncoding.JPEG).build());
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

            ending = monitor(out, bootstrap, flink, jobId, replayThread, replayOutcome, stats, figures, t0);
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
        Summary s = new Summary(List.copyOf(stats.values()), in, res, dead, keys, seconds, figures, ending, jobStatus);
        printSummary(s, out);
        Path file = o.runDir().resolve("summary.json");
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(summaryJson(s, parallelism)) + "\n");
        out.println("summary: " + file);
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
        Options o = options;
        List<String> overrides = new ArrayList<>(List.of(
                "kafka.bootstrap=" + bootstrap,
                "model.path=" + DataPaths.resolve("models/tfjs/posenet.json"),
                "checkpointing.dir=" + o.runDir().resolve("checkpoints").toAbsolutePath().toUri(),
                "parallelism=" + parallelism,
                "backend.kind=" + o.backend().name().toLowerCase(Locale.ROOT),
                "backend.precision=" + o.precision().label(),
                "backend.devices=" + o.devices().stream().map(String::valueOf).collect(Collectors.joining(","))));
        overrides.add(o.thresholdsFile() != null ? "thresholds.file=" + o.thresholdsFile().toAbsolutePath()
                : "thresholds.default=" + o.threshold());
        if (o.batchMaxSize() > 0) overrides.add("batch.maxSize=" + o.batchMaxSize());
        if (o.batchMaxWaitMs() >= 0) overrides.add("batch.maxWaitMs=" + o.batchMaxWaitMs());
        return JobConfig.load(yaml, overrides);
    }

    /**
     * Reads the topics until done, stopped, the job ended or the replay failed; returns how it ended. Results,
     * dead letters and per-camera metrics are appended to the run directory as JSON lines.
     */
    private String monitor(PrintStream out, String bootstrap, MiniCluster flink, JobID jobId, Thread replayThread,
                           AtomicReference<Object> replayOutcome, Map<String, CameraStats> stats, DemoFigures figures,
                           long t0) throws Exception {
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
                    count(r, stats, figures);
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
                        count(r, stats, figures);
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

    private void count(ConsumerRecord<byte[], byte[]> r, Map<String, CameraStats> stats, DemoFigures figures) {
        if (r.topic().equals(METRICS)) return;
        String camera = r.key() == null ? "?" : new String(r.key(), StandardCharsets.UTF_8);
        CameraStats s = stats.computeIfAbsent(camera, CameraStats::new);
        switch (r.topic()) {
            case FRAMES -> s.framesIn++;
            case DEAD_LETTERS -> s.deadLetters++;
            default -> {
                s.results++;
                long received = System.currentTimeMillis();
                try {
                    JsonNode result = json.readTree(r.value());
                    JsonNode st = result.path("stats");
                    figures.result(received, Instant.parse(result.path("captureTime").asText()).toEpochMilli(),
                            st.path("latencyMs").asDouble(Double.NaN));
                    if (st.path("keyframe").asBoolean()) {
                        s.keyframes++;
                    } else {
                        s.deltaFrames++;
                        s.changedSum += st.path("changedFraction").asDouble();
                    }
                } catch (Exception ignored) {
                    // a result that is not JSON (or without a capture time) counts as a result without figures
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

    /** summary.json: what ran, the counts and the timing figures (see {@link DemoFigures} for what they measure). */
    private ObjectNode summaryJson(Summary s, int parallelism) {
        Options o = options;
        ObjectNode root = json.createObjectNode();
        root.put("ending", s.ending());
        root.put("jobStatus", s.jobStatus());
        ObjectNode run = root.putObject("run");
        run.put("cameras", o.cameras());
        run.put("framesPerCamera", o.frames());
        run.put("width", o.width());
        run.put("height", o.height());
        run.put("input", o.rawFrames() != null ? o.rawFrames().toAbsolutePath().toString() : "vtest.avi");
        double fps = o.fps() < 0 && o.rawFrames() != null ? RAW_FPS : o.fps();
        if (fps < 0) run.putNull("fps");   // replayed as fast as the cameras can send
        else run.put("fps", fps);
        if (o.thresholdsFile() != null) run.put("thresholdsFile", o.thresholdsFile().toAbsolutePath().toString());
        else run.put("threshold", o.threshold());
        run.put("backend", o.backend().name().toLowerCase(Locale.ROOT));
        run.put("precision", o.precision().label());
        ArrayNode devices = run.putArray("devices");
        o.devices().forEach(devices::add);
        run.put("parallelism", parallelism);
        if (o.batchMaxSize() > 0) run.put("batchMaxSize", o.batchMaxSize());
        if (o.batchMaxWaitMs() >= 0) run.put("batchMaxWaitMs", o.batchMaxWaitMs());
        ObjectNode counts = root.putObject("counts");
        counts.put("framesIn", s.framesIn());
        counts.put("results", s.results());
        counts.put("deadLetters", s.deadLetters());
        counts.put("keyframes", s.keyframes());
        ObjectNode time = root.putObject("time");
        time.put("wallSeconds", Math.round(s.seconds() * 100) / 100.0);
        time.put("resultsPerSecondOverall", Math.round(100 * s.results() / s.seconds()) / 100.0);
        double steady = s.figures().steadyResultsPerSecond();
        if (!Double.isNaN(steady)) time.put("resultsPerSecondSteady", Math.round(steady * 100) / 100.0);
        time.put("steadyMeans", "camera-frames (results) per second between the arrival of the 10% and the 90% quantile"
                + " of the results");
        ObjectNode latency = root.putObject("latencyMs");
        latency.set("endToEnd", s.figures().endToEndMs());
        latency.put("endToEndMeans", "capture time (camera replay takes the frame, before encoding and sending to Kafka)"
                + " to the demo's consumer receiving the result from the results topic");
        latency.set("operator", s.figures().operatorMs());
        latency.put("operatorMeans", "stats.latencyMs of each result: the backend's processing time for the frame");
        return root;
    }

    private static void printSummary(Summary s, PrintStream out) {
        // the demo's job is unbounded: the demo cancels it once every frame has its result
        String job = s.ending().equals("completed") && s.jobStatus().equals("CANCELED")
                ? "job stopped by the demo" : "job " + s.jobStatus();
        out.printf(Locale.ROOT, "%nsummary (%s after %.1f s; %s):%n", s.ending(), s.seconds(), job);
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
        out.printf(Locale.ROOT, "throughput: %.2f frames/s over all cameras (%.2f in the steady part)%n", s.results() / s.seconds(),
                s.figures().steadyResultsPerSecond());
        out.printf(Locale.ROOT, "end-to-end latency (capture to result read back): p50 %.0f ms, p99 %.0f ms%n",
                s.figures().endToEndPercentile(50), s.figures().endToEndPercentile(99));
    }
}
