package org.cbinfer.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.job.Cli;
import org.cbinfer.job.stream.JobConfig;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real session cluster, deployed the way users deploy it: {@link LocalCluster} starts a Kafka
 * broker, a Flink JobManager and a TaskManager as separate processes; the shaded jar is submitted through
 * the REST API; {@code produce} replays vtest.avi as 3 cameras; the committed results, the operator's
 * metrics (REST), stop-with-savepoint and a resubmission from the savepoint are checked; stopping the
 * cluster leaves no process behind. Runs in the {@code cluster-it} profile (after {@code package}, which
 * builds the jar): {@code ./mvnw -B verify -Pcluster-it}.
 */
class LocalClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CAMERAS = List.of("cam-0", "cam-1", "cam-2");
    private static final int FIRST = 12;   // frames per camera before the savepoint
    private static final int SECOND = 8;   // after it
    private static final String OPERATOR = "change-based-inference";

    @TempDir
    static Path tmp;
    static LocalCluster cluster;
    static FlinkRest flink;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder(LocalCluster.home()).runDir(tmp.resolve("cluster")).freePorts().build();
        cluster.start(System.out);
        flink = new FlinkRest(cluster.restUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) cluster.stop(System.out);
    }

    @Test
    void submitProduceStopWithSavepointResumeAndTearDown() throws Exception {
        Path config = tmp.resolve("job.yaml");
        Files.writeString(config, String.join("\n",
                "kafka: {bootstrap: '" + cluster.bootstrapServers() + "', groupId: cluster-it}",
                "topics: {metrics: camera-metrics}",
                "metrics: {everyFrames: 4, everySeconds: 1}",
                "source: {startingOffsets: earliest}",
                "model: {path: '" + TestData.file("models/tfjs/posenet.json") + "', kind: pose, scale: pm1}",
                "thresholds: {default: 0.03}",
                "checkpointing: {intervalMs: 1000, exactlyOnce: true, transactionalIdPrefix: cluster-it}", ""));
        Path jar = SubmitCommand.shadedJar(LocalCluster.home());
        // the topics as 'cluster start' creates them from the config: the per-camera metrics topic too
        ClusterCommand.createTopics(cluster.bootstrapServers(), JobConfig.topics(config), 3, System.out);

        String first = SubmitCommand.submit(flink, jar, config, List.of(), null);
        flink.awaitRunning(first, Duration.ofSeconds(90));

        // the frames, as users send them: 3 cameras replaying vtest.avi through 'produce'
        ByteArrayOutputStream produced = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(produced, true, StandardCharsets.UTF_8);
        int rc = Cli.run(List.of("produce", "--bootstrap", cluster.bootstrapServers(), "--topic", "frames",
                "--cameras", "3", "--frames", Integer.toString(FIRST), "--fps", "0", "--resize", "257x193", "--progress", "0"),
                printed, printed);
        assertEquals(0, rc, produced.toString(StandardCharsets.UTF_8));

        Map<String, List<JsonNode>> results = committedResults(3 * FIRST, Duration.ofSeconds(120));
        for (String camera : CAMERAS) {
            assertEquals(LongStream.range(0, FIRST).boxed().toList(), sequences(results.get(camera)), camera);
            assertEquals(List.of(0L), keyframes(results.get(camera)), camera + ": only the first frame is a keyframe");
            assertTrue(results.get(camera).stream().anyMatch(r -> r.path("skeletons").size() > 0), camera + ": skeletons");
        }

        // the operator's metrics as the dashboard shows them (REST API), summed over subtasks
        String vertex = flink.vertexId(first, OPERATOR);
        Map<String, Double> metrics = awaitMetric(first, vertex, OPERATOR + ".framesProcessed", 3 * FIRST,
                List.of(OPERATOR + ".framesProcessed", OPERATOR + ".keyframes", OPERATOR + ".framesRejected",
                        OPERATOR + ".processingLatencyMs_p99", OPERATOR + ".cachedCameras"));
        assertEquals(3.0, metrics.get(OPERATOR + ".keyframes"));
        assertEquals(0.0, metrics.get(OPERATOR + ".framesRejected"));
        assertEquals(3.0, metrics.get(OPERATOR + ".cachedCameras"));
        assertTrue(metrics.get(OPERATOR + ".processingLatencyMs_p99") > 0, "latency histogram " + metrics);

        String savepoint = flink.stopWithSavepoint(first, cluster.savepointDir().toUri().toString(), Duration.ofMinutes(2));
        assertTrue(Files.isDirectory(Path.of(java.net.URI.create(savepoint))), "savepoint at " + savepoint);
        assertEquals("FINISHED", flink.state(first));

        // the cameras go on (sequences continue) while the job is down; the resubmitted job takes them up
        produceFrames(FIRST, FIRST + SECOND);
        String second = SubmitCommand.submit(flink, jar, config, List.of(), savepoint);
        flink.awaitRunning(second, Duration.ofSeconds(90));
        results = committedResults(3 * (FIRST + SECOND), Duration.ofSeconds(120));
        for (String camera : CAMERAS) {
            assertEquals(LongStream.range(0, FIRST + SECOND).boxed().toList(), sequences(results.get(camera)),
                    camera + ": every frame once (exactly once across the savepoint)");
            assertEquals(List.of(0L), keyframes(results.get(camera)), camera + ": resumed from the savepoint without a keyframe");
        }
        assertTrue(count("camera-metrics", 1, Duration.ofSeconds(60)) >= 1, "per-camera figures on the metrics topic");
        Map<String, Double> resumed = awaitMetric(second, flink.vertexId(second, OPERATOR), OPERATOR + ".framesProcessed",
                3 * SECOND, List.of(OPERATOR + ".framesProcessed", OPERATOR + ".keyframes"));
        assertEquals(0.0, resumed.get(OPERATOR + ".keyframes"), "keyframes after the restore");

        List<ProcessHandle> processes = cluster.processes();
        assertEquals(3, processes.size(), "broker, JobManager, TaskManager");
        cluster.stop(System.out);
        for (ProcessHandle p : processes) assertFalse(p.isAlive(), "pid " + p.pid() + " still alive");
        assertEquals(List.of(), cluster.processes(), "processes left behind");
    }

    /** Frames {@code from <= k < to} of every camera with sequence k (camera c shows video frame k). */
    private static void produceFrames(int from, int to) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
             VideoReader video = VideoReader.builder().path(TestData.file("video/vtest.avi")).range(from, to)
                     .resize(257, 193).build()) {
            for (VideoFrame f; (f = video.read()) != null; ) {
                byte[] jpeg = FrameCodec.encode(new RgbImage(f.width(), f.height(), f.rgb()), FrameEncoding.JPEG, 90);
                for (String camera : CAMERAS) {
                    producer.send(KafkaFrames.toProducerRecord("frames",
                            FrameRecord.of(camera, f.index(), System.currentTimeMillis(), FrameEncoding.JPEG, 0, 0, jpeg))).get();
                }
            }
        }
    }

    /** The committed results per camera in topic order, once there are {@code expected} (fails after {@code timeout}). */
    private static Map<String, List<JsonNode>> committedResults(int expected, Duration timeout) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor("results").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) c.poll(Duration.ofMillis(500)).forEach(records::add);
            long extra = System.nanoTime() + Duration.ofSeconds(2).toNanos(); // duplicates would show here
            while (System.nanoTime() < extra) c.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        assertEquals(expected, records.size(), "committed results");
        Map<String, List<JsonNode>> byCamera = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            byCamera.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(JSON.readTree(r.value()));
        }
        assertEquals(CAMERAS, List.copyOf(byCamera.keySet()));
        return byCamera;
    }

    /** How many records {@code topic} holds, once there are {@code atLeast} or {@code timeout} has passed. */
    private static int count(String topic, int atLeast, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        int n = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (n < atLeast && System.nanoTime() < deadline) n += c.poll(Duration.ofMillis(500)).count();
        }
        return n;
    }

    private static List<Long> sequences(List<JsonNode> results) {
        return results.stream().map(r -> r.path("sequence").asLong()).toList();
    }

    private static List<Long> keyframes(List<JsonNode> results) {
        return results.stream().filter(r -> r.path("stats").path("keyframe").asBoolean()).map(r -> r.path("sequence").asLong()).toList();
    }

    /** The metrics once {@code counter} reached {@code value} (the JobManager fetches them every couple of seconds). */
    private static Map<String, Double> awaitMetric(String job, String vertex, String counter, double value, List<String> names)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Double> m = Map.of();
        while (System.nanoTime() < deadline) {
            m = flink.metrics(job, vertex, names, "sum");
            if (m.getOrDefault(counter, 0.0) >= value && m.keySet().containsAll(names)) {
                assertEquals(value, m.get(counter), counter);
                return m;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(counter + " did not reach " + value + " within 60 s: " + m);
    }
}
