package org.cbinfer.job.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.testkit.KafkaBroker;
import org.cbinfer.testkit.TestData;

/**
 * Shared pieces of the streaming-job recovery tests: real vtest.avi frames (257x193 JPEG) of two cameras,
 * a job config (real PoseNet, threshold 0.03 so that per-camera state matters), and the committed results
 * per camera in topic order, with the one field that legitimately differs between runs removed.
 */
final class JobRuns {
    static final List<String> CAMERAS = List.of("cam-a", "cam-b");
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobRuns() {}

    /** The first {@code n} frames of vtest.avi at 257x193. */
    static List<RgbImage> images(int n) throws Exception {
        List<RgbImage> images = new ArrayList<>();
        try (VideoReader r = VideoReader.builder().path(TestData.file("video/vtest.avi")).resize(257, 193).build()) {
            for (VideoFrame f; images.size() < n && (f = r.read()) != null; ) {
                images.add(new RgbImage(f.width(), f.height(), f.rgb()));
            }
        }
        return images;
    }

    /** Frames {@code from <= k < to} of every camera (camera c shows image k + c) to {@code topic}. */
    static void produce(KafkaBroker kafka, String topic, List<RgbImage> images, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            for (int k = from; k < to; k++) {
                for (int c = 0; c < CAMERAS.size(); c++) {
                    FrameRecord f = FrameRecord.of(CAMERAS.get(c), k, 1_000L * k + c, FrameEncoding.JPEG, 0, 0,
                            FrameCodec.encode(images.get(k + c), FrameEncoding.JPEG, 90));
                    p.send(KafkaFrames.toProducerRecord(topic, f)).get();
                }
            }
        }
    }

    /** A job config: {@code frames -> results}, own group and transactional ids, plus {@code overrides}. */
    static JobConfig config(Path tmp, KafkaBroker kafka, String frames, String results, int parallelism, boolean bounded,
            String... overrides) throws Exception {
        Path yaml = tmp.resolve(results + ".yaml");
        Files.writeString(yaml, String.join("\n",
                "kafka: {bootstrap: 'placeholder', groupId: " + results + "}",
                "topics: {frames: " + frames + ", results: " + results + ", deadLetters: " + results + "-dead}",
                "source: {startingOffsets: earliest, bounded: " + bounded + "}",
                "model: {path: '" + TestData.file("models/tfjs/posenet.json") + "', kind: pose, scale: pm1}",
                "thresholds: {default: 0.03}",
                "checkpointing: {intervalMs: 200, exactlyOnce: true, transactionalIdPrefix: " + results + "}",
                "parallelism: " + parallelism, ""));
        List<String> o = new ArrayList<>(List.of("kafka.bootstrap=" + kafka.bootstrapServers()));
        o.addAll(List.of(overrides));
        return JobConfig.load(yaml, o);
    }

    /**
     * The committed (read_committed) results of {@code topic}, per camera in topic order, waiting up to
     * {@code timeout} for {@code expected} of them (and 2 s more for any extra). {@code stats.latencyMs} and
     * {@code stats.batchSize} are removed: the wall-clock time of the inference, and how many cameras' frames
     * happened to arrive together, are the fields that differ run to run (the values do not).
     */
    static Map<String, List<JsonNode>> committed(KafkaBroker kafka, String topic, int expected, Duration timeout)
            throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(topic, expected, timeout, true);
        List<ConsumerRecord<byte[], byte[]>> again = kafka.readAll(topic, expected + 1, Duration.ofSeconds(3), true);
        if (again.size() > records.size()) records = again;   // duplicates would show here
        Map<String, List<JsonNode>> byCamera = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode j = JSON.readTree(r.value());
            ((ObjectNode) j.get("stats")).remove(List.of("latencyMs", "batchSize"));
            byCamera.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), x -> new ArrayList<>()).add(j);
        }
        return byCamera;
    }

    /** Frame by frame: the same sequences in the same order (nothing lost or duplicated) and equal JSON. */
    static void assertSameResults(Map<String, List<JsonNode>> expected, Map<String, List<JsonNode>> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "cameras");
        for (String camera : expected.keySet()) {
            List<Long> es = expected.get(camera).stream().map(j -> j.get("sequence").asLong()).toList();
            List<Long> as = actual.get(camera).stream().map(j -> j.get("sequence").asLong()).toList();
            assertEquals(es, as, camera + ": sequences of the committed results");
            for (int i = 0; i < es.size(); i++) {
                assertEquals(expected.get(camera).get(i), actual.get(camera).get(i), camera + " frame " + es.get(i));
            }
        }
    }

    static int count(Map<String, List<JsonNode>> results) {
        return results.values().stream().mapToInt(List::size).sum();
    }
}
