package org.cbinfer.job.stream;

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
import org.cbinfer.connectors.kafka.FrameHeaders;
import org.cbinfer.connectors.kafka.KafkaFrames;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.job.cli.DataPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole streaming job against the in-JVM Kafka broker in a MiniCluster: real vtest.avi frames
 * (257x193 JPEG, the video's aspect ratio) of two cameras, real PoseNet, bad records; every input record ends up exactly once in
 * the results or the dead letters.
 */
class StreamingJobTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int PER_CAMERA = 6;
    private static final List<String> CAMERAS = List.of("cam-a", "cam-b");

    @Test
    void framesToPoseResultsAndBadRecordsToDeadLetters(@TempDir Path tmp) throws Exception {
        KAFKA.createTopic("frames", 2);
        KAFKA.createTopic("results", 2);
        KAFKA.createTopic("dead-letters", 1);

        List<RgbImage> images = new ArrayList<>();
        try (VideoReader r = VideoReader.builder().path(DataPaths.resolve("video/vtest.avi")).resize(257, 193).build()) {
            for (VideoFrame f; images.size() < PER_CAMERA + 1 && (f = r.read()) != null; ) {
                images.add(new RgbImage(f.width(), f.height(), f.rgb()));
            }
        }

        Map<String, String> frameAt = new HashMap<>();   // "camera#seq" -> "partition@offset"
        Map<String, String> badAt = new HashMap<>();     // key -> "partition@offset"
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (int k = 0; k < PER_CAMERA; k++) {
                for (int c = 0; c < CAMERAS.size(); c++) {
                    FrameRecord f = FrameRecord.of(CAMERAS.get(c), k, 1_000L * k + c, FrameEncoding.JPEG, 0, 0,
                            FrameCodec.encode(images.get(k + c), FrameEncoding.JPEG, 90));
                    RecordMetadata m = p.send(KafkaFrames.toProducerRecord("frames", f)).get();
                    frameAt.put(f.cameraId() + "#" + k, m.partition() + "@" + m.offset());
                }
            }
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
                    FrameEncoding.JPEG, 0, 0, FrameCodec.encode(images.get(2), FrameEncoding.JPEG, 90)))).get();
            badAt.put("cam-a", d.partition() + "@" + d.offset());
        }

        Path yaml = tmp.resolve("job.yaml");
        Files.writeString(yaml, String.join("\n",
                "kafka: {bootstrap: 'placeholder', groupId: streaming-job-test}",
                "source: {startingOffsets: earliest, bounded: true}",
                "model: {path: '" + DataPaths.resolve("models/tfjs/posenet.json") + "', kind: pose, scale: pm1}",
                "checkpointing: {intervalMs: 300, exactlyOnce: true, transactionalIdPrefix: streaming-job-test}",
                "parallelism: 2", ""));
        JobConfig config = JobConfig.load(yaml, List.of("kafka.bootstrap=" + KAFKA.bootstrapServers()));

        long start = System.nanoTime();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamingJob.build(env, config);
        env.execute("streaming-job-test");
        System.out.printf("job ran in %.1f s%n", (System.nanoTime() - start) / 1e9);

        int frames = CAMERAS.size() * PER_CAMERA;
        ObjectMapper json = new ObjectMapper();
        List<ConsumerRecord<byte[], byte[]>> results = KAFKA.readAll("results", frames + 1, Duration.ofSeconds(5), true);
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readAll("dead-letters", badAt.size() + 1, Duration.ofSeconds(5), true);

        Set<String> accounted = new HashSet<>();
        Map<String, List<JsonNode>> byCamera = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : results) {
            JsonNode j = json.readTree(r.value());
            String camera = new String(r.key(), StandardCharsets.UTF_8);
            assertEquals(camera, j.get("camera").asText());
            String at = frameAt.get(camera + "#" + j.get("sequence").asLong());
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
        }
        assertEquals(frames + badAt.size(), accounted.size(), "every input record in results or dead letters: " + reasons);
        assertTrue(reasons.get("cam-g").contains("MISSING_HEADER"), reasons.get("cam-g"));
        assertTrue(reasons.get("cam-t").contains("CORRUPT_IMAGE"), reasons.get("cam-t"));
        assertTrue(reasons.get("cam-a").contains("rejected by inference: camera cam-a frame 2")
                && reasons.get("cam-a").contains("not after the last processed 5"), reasons.get("cam-a"));
        System.out.println("dead letters: " + reasons);

        int persons = 0;
        for (String camera : CAMERAS) {
            List<JsonNode> list = byCamera.get(camera);
            assertEquals(PER_CAMERA, list.size(), camera);
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
