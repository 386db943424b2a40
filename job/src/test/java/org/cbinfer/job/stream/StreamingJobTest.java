package org.cbinfer.job.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.connectors.kafka.contract.FrameHeaders;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.testkit.KafkaBroker;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole streaming job against the in-JVM Kafka broker in a MiniCluster: real vtest.avi frames
 * (257x193 JPEG, the video's aspect ratio) of two cameras, real PoseNet, bad records, a camera changing its
 * resolution mid-stream and a producer restarting its numbering; every input record ends up exactly once in the
 * results or the dead letters, and the per-camera figures on the metrics topic add up.
 */
class StreamingJobTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int PER_CAMERA = 6;
    private static final List<String> CAMERAS = List.of("cam-a", "cam-b");
    private static final int RESIZED = 5;

    /** Every other pixel of every other row: the same scene at half the resolution. */
    private static RgbImage halve(RgbImage img) {
        int w = (img.width() + 1) / 2, h = (img.height() + 1) / 2;
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(img.rgb(), ((2 * y) * img.width() + 2 * x) * 3, out, (y * w + x) * 3, 3);
            }
        }
        return new RgbImage(w, h, out);
    }

    @Test
    void framesToPoseResultsAndBadRecordsToDeadLetters(@TempDir Path tmp) throws Exception {
        KAFKA.createTopic("frames", 2);
        KAFKA.createTopic("results", 2);
        KAFKA.createTopic("dead-letters", 1);
        KAFKA.createTopic("camera-metrics", 1);

        List<RgbImage> images = new ArrayList<>();
        try (VideoReader r = VideoReader.builder().path(TestData.file("video/vtest.avi")).resize(257, 193).build()) {
            for (VideoFrame f; images.size() < PER_CAMERA + 1 && (f = r.read()) != null; ) {
                images.add(new RgbImage(f.width(), f.height(), f.rgb()));
            }
        }

        Map<String, String> frameAt = new HashMap<>();   // "camera#seq" -> "partition@offset"
        Map<String, String> badAt = new HashMap<>();     // key -> "partition@offset"
        byte[] duplicate = FrameCodec.encode(images.get(2), FrameEncoding.JPEG, 90);
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (int k = 0; k < PER_CAMERA; k++) {
                for (int c = 0; c < CAMERAS.size(); c++) {
                    FrameRecord f = FrameRecord.of(CAMERAS.get(c), k, 1_000L * k + c, FrameEncoding.JPEG, 0, 0,
                            FrameCodec.encode(images.get(k + c), FrameEncoding.JPEG, 90));
                    RecordMetadata m = p.send(KafkaFrames.toProducerRecord("frames", f)).get();
                    frameAt.put(f.cameraId() + "#" + k, m.partition() + "@" + m.offset());
                }
            }
            // cam-r changes resolution after 3 frames (257x193 -> 129x97): a keyframe at the change
            for (int k = 0; k < RESIZED; k++) {
                RgbImage img = k < 3 ? images.get(k) : halve(images.get(k));
                RecordMetadata m = p.send(KafkaFrames.toProducerRecord("frames", FrameRecord.of("cam-r", k, 1_000L * k,
                        FrameEncoding.JPEG, 0, 0, FrameCodec.encode(img, FrameEncoding.JPEG, 90)))).get();
                frameAt.put("cam-r#" + k, m.partition() + "@" + m.offset());
            }
            // cam-b's producer restarts: its numbering starts again at 0 (policy: a keyframe, not a duplicate)
            RecordMetadata restart = p.send(KafkaFrames.toProducerRecord("frames", FrameRecord.of("cam-b", 0, 9_000,
                    FrameEncoding.JPEG, 0, 0, FrameCodec.encode(images.get(0), FrameEncoding.JPEG, 90)))).get();
            frameAt.put("cam-b#restart", restart.partition() + "@" + restart.offset());
            byte[] jpeg = FrameCodec.encode(images.get(0), FrameEncoding.JPEG, 90);
            // fails in the source: no headers
            RecordMetadata g = p.send(new ProducerRecord<>("frames", "cam-g".getBytes(StandardCharsets.UTF_8),
                    "garbage".getBytes(StandardCharsets.UTF_8))).get();
            badAt.put("cam-g", g.partition() + "@" + g.offset());
            // passes the source's probe, fails to decode
            RecordMetadata t = p.send(KafkaFrames.toProducerRecord("frames", FrameRecord.of("cam-t", 0, 5, FrameEncoding.JPEG,
                    0, 0, Arrays.copyOf(jpeg, jpeg.length / 3)))).get();
            badAt.put("cam-t", t.partition() + "@" + t.offset());
            // a duplicate: decodes, but the operator rejects it (sequence not after the last processed)
            RecordMetadata d = p.send(KafkaFrames.toProducerRecord("frames", FrameRecord.of("cam-a", 2, 2_000,
                    FrameEncoding.JPEG, 0, 0, duplicate))).get();
            badAt.put("cam-a", d.partition() + "@" + d.offset());
        }

        Path yaml = tmp.resolve("job.yaml");
        Files.writeString(yaml, String.join("\n",
                "kafka: {bootstrap: 'placeholder', groupId: streaming-job-test}",
                "topics: {metrics: camera-metrics}",
                "backend: {kind: cpu}",
                "batch: {maxSize: 4, maxWaitMs: 50}",
                "metrics: {everyFrames: 4, everySeconds: 60}",
                "source: {startingOffsets: earliest, bounded: true}",
                "model: {path: '" + TestData.file("models/tfjs/posenet.json") + "', kind: pose, scale: pm1}",
                "checkpointing: {intervalMs: 300, exactlyOnce: true, transactionalIdPrefix: streaming-job-test}",
                "parallelism: 2", ""));
        JobConfig config = JobConfig.load(yaml, List.of("kafka.bootstrap=" + KAFKA.bootstrapServers()));

        long start = System.nanoTime();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamingJob.build(env, config);
        env.execute("streaming-job-test");
        System.out.printf("job ran in %.1f s%n", (System.nanoTime() - start) / 1e9);

        int frames = CAMERAS.size() * PER_CAMERA + RESIZED + 1;
        ObjectMapper json = new ObjectMapper();
        List<ConsumerRecord<byte[], byte[]>> results = KAFKA.readAll("results", frames + 1, Duration.ofSeconds(5), true);
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readAll("dead-letters", badAt.size() + 1, Duration.ofSeconds(5), true);

        Set<String> accounted = new HashSet<>();
        Map<String, List<JsonNode>> byCamera = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : results) {
            JsonNode j = json.readTree(r.value());
            String camera = new String(r.key(), StandardCharsets.UTF_8);
            assertEquals(camera, j.get("camera").asText());
            boolean restarted = camera.equals("cam-b") && byCamera.getOrDefault("cam-b", List.of()).size() == PER_CAMERA;
            String at = frameAt.get(camera + "#" + (restarted ? "restart" : j.get("sequence").asLong()));
            assertNotNull(at, "result of a frame that was sent: " + j);
            assertTrue(accounted.add(at), "frame at " + at + " accounted for once");
            assertEquals("posenet.json", j.get("model").asText());
            assertTrue(j.get("captureTime").asText().startsWith("1970-01-01T00:00:0"), j.get("captureTime").asText());
            assertTrue(j.get("skeletons").isArray(), "skeletons: " + j);
            JsonNode stats = j.get("stats");
            assertTrue(stats.get("denseMacs").asLong() > 0 && stats.get("macs").asLong() <= stats.get("denseMacs").asLong(),
                    stats.toString());
            assertTrue(stats.has("changedFraction") && stats.has("latencyMs"), stats.toString());
            byCamera.computeIfAbsent(camera, x -> new ArrayList<>()).add(j);
        }
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            JsonNode reason = json.readTree(r.headers().lastHeader(FrameHeaders.DEAD_LETTER_REASON).value());
            reasons.put(key, reason.get("reason").asText());
            String pos = reason.get("partition").asInt() + "@" + reason.get("offset").asLong();
            assertEquals(badAt.get(key), pos, "dead letter of a bad record, with its source position: " + reason);
            assertTrue(accounted.add(pos), "bad record " + key + " accounted for once");
            if (key.equals("cam-a")) {
                assertArrayEquals(duplicate, r.value(), "a rejected frame's dead letter holds its original bytes");
                assertEquals("2", new String(r.headers().lastHeader(FrameHeaders.SEQUENCE).value(), StandardCharsets.UTF_8));
                assertEquals("REJECTED", reason.get("problem").asText(), reason.toString());
            }
        }
        assertEquals(frames + badAt.size(), accounted.size(), "every input record in results or dead letters: " + reasons);
        assertTrue(reasons.get("cam-g").contains("MISSING_HEADER"), reasons.get("cam-g"));
        assertTrue(reasons.get("cam-t").contains("CORRUPT_IMAGE"), reasons.get("cam-t"));
        assertTrue(reasons.get("cam-a").contains("rejected by inference: camera cam-a frame 2")
                && reasons.get("cam-a").contains("not after the last processed 5"), reasons.get("cam-a"));
        System.out.println("dead letters: " + reasons);

        int persons = 0;
        List<JsonNode> resized = byCamera.get("cam-r");
        assertEquals(RESIZED, resized.size());
        for (int k = 0; k < RESIZED; k++) {
            assertEquals(k == 0 || k == 3, resized.get(k).get("stats").get("keyframe").asBoolean(), "cam-r #" + k + " keyframe");
        }
        JsonNode restartResult = byCamera.get("cam-b").get(PER_CAMERA);
        assertEquals(0, restartResult.get("sequence").asLong());
        assertTrue(restartResult.get("stats").get("keyframe").asBoolean(), "a producer restart is a keyframe: " + restartResult);
        assertTrue(results.stream().anyMatch(r -> {
            try {
                return json.readTree(r.value()).get("stats").get("batchSize").asInt() > 1;
            } catch (Exception e) {
                return false;
            }
        }), "frames of several cameras were processed in one batch");

        // the per-camera figures (at least once) count every processed and rejected frame
        Map<String, long[]> figures = new HashMap<>();   // camera -> {frames, rejected, keyframes}
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.readAll("camera-metrics", 100, Duration.ofSeconds(3))) {
            JsonNode m = json.readTree(r.value());
            long[] f = figures.computeIfAbsent(m.get("camera").asText(), c -> new long[3]);
            f[0] += m.get("frames").asLong();
            f[1] += m.get("rejected").asLong();
            f[2] += m.get("keyframes").asLong();
            assertTrue(m.get("fps").asDouble() > 0 && m.get("latencyMs").get("mean").asDouble() >= 0, m.toString());
        }
        assertEquals(Map.of("cam-a", List.of(6L, 1L, 1L), "cam-b", List.of(7L, 0L, 2L), "cam-r", List.of(5L, 0L, 2L)),
                Map.of("cam-a", List.of(figures.get("cam-a")[0], figures.get("cam-a")[1], figures.get("cam-a")[2]),
                        "cam-b", List.of(figures.get("cam-b")[0], figures.get("cam-b")[1], figures.get("cam-b")[2]),
                        "cam-r", List.of(figures.get("cam-r")[0], figures.get("cam-r")[1], figures.get("cam-r")[2])),
                "frames, rejected and keyframes per camera on the metrics topic");

        for (String camera : CAMERAS) {
            List<JsonNode> list = byCamera.get(camera);
            assertEquals(camera.equals("cam-b") ? PER_CAMERA + 1 : PER_CAMERA, list.size(), camera);
            for (int k = 0; k < PER_CAMERA; k++) {
                JsonNode j = list.get(k);
                assertEquals(k, j.get("sequence").asLong(), "order of " + camera);
                assertEquals(k == 0, j.get("stats").get("keyframe").asBoolean(), camera + " #" + k + " keyframe");
                persons += j.get("skeletons").size();
            }
            assertTrue(list.get(PER_CAMERA - 1).get("stats").get("macs").asLong()
                    < list.get(PER_CAMERA - 1).get("stats").get("denseMacs").asLong(), "change-based frames do less work");
        }
        System.out.println("persons over all results: " + persons + "; sample: " + byCamera.get("cam-a").get(1));
        assertTrue(persons > 0, "PoseNet finds people in vtest.avi");
    }
}
