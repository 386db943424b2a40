package org.cbinfer.connectors.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.connectors.kafka.contract.FrameHeaders;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;
import org.cbinfer.connectors.testing.VtestFrames;
import org.cbinfer.testkit.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The source/sink wiring in a Flink MiniCluster against the in-JVM broker: frames in, bad records to
 * the dead-letter topic, JSON results out through an exactly-once (transactional) sink.
 */
class FrameJobTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** What the test job writes per frame. */
    public record Result(String camera, long sequence, long captureTime, int width, int height, long meanRed,
                         String source) {}

    @Test
    void framesToResultsExactlyOnceAndBadRecordsToDeadLetters() throws Exception {
        KAFKA.createTopic("frames", 2);
        KAFKA.createTopic("results", 2);
        KAFKA.createTopic("dead-letters", 1);
        int cameras = 3, perCamera = 5;
        byte[] jpeg = FrameCodec.encode(VtestFrames.frame(0), FrameEncoding.JPEG, 80);
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (int k = 0; k < perCamera; k++) {
                for (int c = 0; c < cameras; c++) {
                    RgbImage img = VtestFrames.frame((k + c) % VtestFrames.count());
                    FrameRecord f = FrameRecord.of("cam-" + c, k, 1000L * k, FrameEncoding.JPEG, 0, 0,
                            FrameCodec.encode(img, FrameEncoding.JPEG, 80));
                    p.send(KafkaFrames.toProducerRecord("frames", f));
                }
            }
            // passes the source's PROBE (intact header), fails in the decode step
            FrameRecord truncated = FrameRecord.of("cam-t", 0, 1, FrameEncoding.JPEG, 0, 0, Arrays.copyOf(jpeg, jpeg.length / 3));
            p.send(KafkaFrames.toProducerRecord("frames", truncated));
            // fails in the source
            p.send(new ProducerRecord<>("frames", "cam-g".getBytes(StandardCharsets.UTF_8), "garbage".getBytes()));
            p.flush();
        }

        String bootstrap = KAFKA.bootstrapServers();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        DataStream<Incoming> in = env.fromSource(FrameSources.kafka(bootstrap, "frames", "test-job")
                        .fromEarliest().bounded(OffsetsInitializer.latest()).build(),
                FrameSources.watermarks(Duration.ofSeconds(1)), "frames");
        FrameStreams split = FrameStreams.split(in);
        FrameStreams decoded = FrameStreams.decode(split.frames(), FrameLimits.DEFAULT);
        decoded.frames()
                .map(f -> {
                    long red = 0;
                    byte[] rgb = f.payload();
                    for (int i = 0; i < rgb.length; i += 3) red += rgb[i] & 0xff;
                    return new Result(f.cameraId(), f.sequence(), f.captureTimeMillis(), f.width(), f.height(),
                            red / ((long) f.width() * f.height()), String.valueOf(f.source()));
                })
                .sinkTo(FrameSinks.results(bootstrap, "results", Result::camera)
                        .timestamp(Result::captureTime)
                        .exactlyOnce("frame-job-test")
                        .build());
        split.deadLetters().union(decoded.deadLetters())
                .sinkTo(FrameSinks.deadLetters(bootstrap, "dead-letters").build());
        env.execute("frame-job-test");

        // results: committed transactions only
        List<ConsumerRecord<byte[], byte[]>> results = KAFKA.readAll("results", cameras * perCamera, Duration.ofSeconds(20), true);
        assertEquals(cameras * perCamera, results.size());
        ObjectMapper json = new ObjectMapper();
        Map<String, List<JsonNode>> byCamera = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : results) {
            JsonNode j = json.readTree(r.value());
            String camera = new String(r.key(), StandardCharsets.UTF_8);
            assertEquals(camera, j.get("camera").asText());
            assertEquals(KafkaFrames.partitionFor(camera, 2), r.partition(), "results keyed by camera");
            assertEquals(j.get("captureTime").asLong(), r.timestamp());
            assertEquals(768, j.get("width").asInt());
            assertTrue(j.get("source").asText().startsWith("frames-"), j.toString());
            byCamera.computeIfAbsent(camera, x -> new ArrayList<>()).add(j);
        }
        for (int c = 0; c < cameras; c++) {
            List<JsonNode> list = byCamera.get("cam-" + c);
            for (int k = 0; k < perCamera; k++) assertEquals(k, list.get(k).get("sequence").asLong(), "order of cam-" + c);
        }

        // dead letters: one from the source, one from decoding, each with its original bytes
        List<ConsumerRecord<byte[], byte[]>> dl = KAFKA.readAll("dead-letters", 2, Duration.ofSeconds(20));
        assertEquals(2, dl.size());
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dl) {
            JsonNode reason = json.readTree(r.headers().lastHeader(FrameHeaders.DEAD_LETTER_REASON).value());
            reasons.put(new String(r.key(), StandardCharsets.UTF_8), reason.get("reason").asText());
            assertEquals(reason.get("problem").asText(), new String(r.headers().lastHeader(FrameHeaders.DEAD_LETTER_PROBLEM).value()));
        }
        System.out.println(reasons);
        assertTrue(reasons.get("cam-g").matches("camera 'cam-g' at frames-\\d@\\d+: MISSING_HEADER: header 'encoding' is missing"), reasons.get("cam-g"));
        assertTrue(reasons.get("cam-t").matches("camera 'cam-t' at frames-\\d@\\d+: CORRUPT_IMAGE: jpeg image of \\d+ bytes is damaged.*"),
                reasons.get("cam-t"));
        ConsumerRecord<byte[], byte[]> t = dl.stream().filter(r -> new String(r.key()).equals("cam-t")).findFirst().orElseThrow();
        assertEquals(jpeg.length / 3, t.value().length, "the truncated frame's bytes");
        assertEquals("jpeg", new String(t.headers().lastHeader(FrameHeaders.ENCODING).value()), "contract headers re-created");
    }
}
