package org.cbinfer.connectors.kafka.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.cbinfer.connectors.frame.DeadLetter;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.FrameProblem;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.connectors.frame.SourcePosition;
import org.cbinfer.connectors.kafka.contract.FrameValidation;
import org.cbinfer.connectors.kafka.serialization.DeadLetterSerializationSchema;
import org.cbinfer.connectors.testing.VtestFrames;
import org.cbinfer.testkit.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The frame contract through a real broker: vtest frames in every encoding, bad records, dead letters. */
class FrameContractBrokerTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final FrameEncoding[] ENCODINGS = FrameEncoding.values();

    @Test
    void framesAndBadRecordsRoundTripThroughTheBroker() throws Exception {
        KAFKA.createTopic("frames", 3);
        KAFKA.createTopic("dead-letters", 1);
        int perCamera = 4;
        Map<String, List<FrameRecord>> sent = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (int k = 0; k < perCamera; k++) {
                for (int c = 0; c < ENCODINGS.length; c++) {
                    String camera = "cam-" + c;
                    RgbImage img = VtestFrames.frame((k + c) % VtestFrames.count());
                    FrameEncoding enc = ENCODINGS[c];
                    // JPEG/PNG without declared size on odd frames: the size is optional for them
                    boolean declare = enc.isRaw() || k % 2 == 0;
                    FrameRecord f = FrameRecord.of(camera, k, 1_700_000_000_000L + 40L * k, enc,
                            declare ? img.width() : 0, declare ? img.height() : 0, FrameCodec.encode(img, enc, 85));
                    sent.computeIfAbsent(camera, x -> new ArrayList<>()).add(f);
                    p.send(KafkaFrames.toProducerRecord("frames", f)).get(10, TimeUnit.SECONDS);
                }
            }
            // bad records: garbage as JPEG, no headers at all, an absurd raw size, no key
            RecordHeaders jpegHeaders = new RecordHeaders();
            jpegHeaders.add(FrameHeaders.SEQUENCE, "9".getBytes());
            jpegHeaders.add(FrameHeaders.CAPTURE_TIME, "1".getBytes());
            jpegHeaders.add(FrameHeaders.ENCODING, "jpeg".getBytes());
            RecordHeaders huge = new RecordHeaders();
            huge.add(FrameHeaders.SEQUENCE, "10".getBytes());
            huge.add(FrameHeaders.CAPTURE_TIME, "1".getBytes());
            huge.add(FrameHeaders.ENCODING, "rgb24".getBytes());
            huge.add(FrameHeaders.WIDTH, "100000".getBytes());
            huge.add(FrameHeaders.HEIGHT, "100000".getBytes());
            p.send(new ProducerRecord<>("frames", null, key("bad-1"), "garbage".getBytes(), jpegHeaders)).get();
            p.send(new ProducerRecord<>("frames", key("bad-2"), "no headers".getBytes())).get();
            p.send(new ProducerRecord<>("frames", null, key("bad-3"), new byte[1024], huge)).get();
            p.send(new ProducerRecord<byte[], byte[]>("frames", null, (byte[]) null, "no key".getBytes(), jpegHeaders)).get();
        }

        int total = perCamera * ENCODINGS.length + 4;
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readAll("frames", total, Duration.ofSeconds(20));
        assertEquals(total, records.size());

        Map<String, List<FrameRecord>> received = new HashMap<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Incoming in = KafkaFrames.read(r, FrameLimits.DEFAULT, FrameValidation.PROBE);
            assertEquals(new SourcePosition("frames", r.partition(), r.offset()), in.source());
            if (in instanceof FrameRecord f) {
                received.computeIfAbsent(f.cameraId(), x -> new ArrayList<>()).add(f);
                assertEquals(KafkaFrames.partitionFor(f.cameraId(), 3), r.partition(), "key-based partitioning");
            } else {
                deadLetters.add((DeadLetter) in);
            }
        }
        for (var e : sent.entrySet()) {
            List<FrameRecord> got = received.get(e.getKey());
            assertEquals(perCamera, got.size(), e.getKey());
            for (int k = 0; k < perCamera; k++) {
                FrameRecord want = e.getValue().get(k), have = got.get(k);
                assertEquals(k, have.sequence(), "per-camera order");
                assertEquals(want.captureTimeMillis(), have.captureTimeMillis());
                assertEquals(want.encoding(), have.encoding());
                assertEquals(768, have.width(), "size known after PROBE, declared or not");
                assertEquals(576, have.height());
                assertArrayEquals(want.payload(), have.payload());
                RgbImage original = VtestFrames.frame((k + Integer.parseInt(e.getKey().substring(4))) % VtestFrames.count());
                RgbImage decoded = FrameCodec.decode(have, FrameLimits.DEFAULT);
                switch (have.encoding()) {
                    case PNG, RGB24 -> assertEquals(original, decoded);
                    case JPEG -> assertTrue(VtestFrames.psnr(original, decoded) > 36);
                    case GRAY8 -> assertEquals(decoded.sample(10, 10, 0), decoded.sample(10, 10, 2));
                }
            }
        }

        assertEquals(4, deadLetters.size());
        Map<String, FrameProblem> problems = new HashMap<>();
        for (DeadLetter d : deadLetters) problems.put(String.valueOf(d.cameraId()), d.problem());
        assertEquals(Map.of("bad-1", FrameProblem.CORRUPT_IMAGE, "bad-2", FrameProblem.MISSING_HEADER,
                "bad-3", FrameProblem.TOO_LARGE, "null", FrameProblem.MISSING_KEY), problems);
        for (DeadLetter d : deadLetters) {
            assertTrue(d.reason().contains("frames-" + d.source().partition() + "@" + d.source().offset()), d.reason());
            System.out.println(d.reason());
        }

        // dead letters on their own topic: original bytes and headers, plus the reason
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (DeadLetter d : deadLetters) p.send(DeadLetterSerializationSchema.toProducerRecord("dead-letters", d)).get();
        }
        List<ConsumerRecord<byte[], byte[]>> dl = KAFKA.readAll("dead-letters", 4, Duration.ofSeconds(20));
        assertEquals(4, dl.size());
        ObjectMapper json = new ObjectMapper();
        for (ConsumerRecord<byte[], byte[]> r : dl) {
            JsonNode reason = json.readTree(r.headers().lastHeader(FrameHeaders.DEAD_LETTER_REASON).value());
            DeadLetter d = deadLetters.stream().filter(x -> x.source().offset() == reason.get("offset").asLong()
                    && x.source().partition() == reason.get("partition").asInt()).findFirst().orElseThrow();
            assertArrayEquals(d.key(), r.key());
            assertArrayEquals(d.value(), r.value());
            assertEquals(d.problem().name(), new String(r.headers().lastHeader(FrameHeaders.DEAD_LETTER_PROBLEM).value()));
            List<DeadLetter.Header> original = new ArrayList<>();
            for (Header h : r.headers()) {
                if (!h.key().startsWith("dead-letter-")) original.add(new DeadLetter.Header(h.key(), h.value()));
            }
            assertEquals(d.headers(), original);
            assertEquals(d.reason(), reason.get("reason").asText());
            assertEquals("frames", reason.get("topic").asText());
        }
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
