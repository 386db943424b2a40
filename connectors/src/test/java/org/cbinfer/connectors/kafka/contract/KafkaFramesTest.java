package org.cbinfer.connectors.kafka.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
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
import org.cbinfer.connectors.testing.Images;
import org.cbinfer.connectors.testing.VtestFrames;
import org.cbinfer.connectors.typeinfo.FrameTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deserializer on hand-made consumer records: every kind of bad input becomes a dead letter with
 * a reason naming camera, topic, partition and offset; nothing throws. Also the Flink serializers.
 */
class KafkaFramesTest {
    private static final String TOPIC = "frames";
    private static RgbImage image;
    private static byte[] jpeg;
    private static byte[] png;

    @BeforeEach
    void frames() throws Exception { // per test: skipped, with the reason, without the sample data
        if (image != null) return;
        image = VtestFrames.frame(3);
        jpeg = FrameCodec.encode(image, FrameEncoding.JPEG, 85);
        png = FrameCodec.encode(image, FrameEncoding.PNG);
        // warm ImageIO before allocation is measured
        KafkaFrames.read(record("cam-0", 7, jpeg, headers("1", "1000", "jpeg", null, null)));
    }

    @Test
    void goodFramesOfEveryEncoding() throws Exception {
        FrameRecord f = frame(KafkaFrames.read(record("cam-1", 5, jpeg, headers("42", "1700000000123", "jpeg", null, null))));
        assertEquals("cam-1", f.cameraId());
        assertEquals(42, f.sequence());
        assertEquals(1700000000123L, f.captureTimeMillis());
        assertEquals(FrameEncoding.JPEG, f.encoding());
        assertEquals(768, f.width(), "PROBE fills the size in from the JPEG header");
        assertEquals(576, f.height());
        assertEquals(new SourcePosition(TOPIC, 2, 5), f.source());
        assertArrayEquals(jpeg, f.payload());

        // HEADERS only: the size stays unknown, the bytes are not looked at
        FrameRecord h = frame(KafkaFrames.read(record("cam-1", 5, jpeg, headers("42", "1", "jpeg", null, null)),
                FrameLimits.DEFAULT, FrameValidation.HEADERS));
        assertEquals(0, h.width());

        // declared size on a PNG is checked against the image
        FrameRecord p = frame(KafkaFrames.read(record("cam-2", 6, png, headers("0", "1", "PNG", "768", "576"))));
        assertEquals(FrameEncoding.PNG, p.encoding());

        byte[] gray = FrameCodec.encode(image, FrameEncoding.GRAY8);
        FrameRecord g = frame(KafkaFrames.read(record("cam-3", 7, gray, headers("3", "1", "gray8", "768", "576"))));
        assertEquals(FrameEncoding.GRAY8, g.encoding());

        // DECODE: RGB24 pixels out, equal to decoding the PNG
        FrameRecord d = frame(KafkaFrames.read(record("cam-2", 6, png, headers("0", "1", "png", null, null)),
                FrameLimits.DEFAULT, FrameValidation.DECODE));
        assertEquals(FrameEncoding.RGB24, d.encoding());
        assertArrayEquals(image.rgb(), d.payload());
        assertEquals(new SourcePosition(TOPIC, 2, 6), d.source());
        FrameRecord dg = frame(KafkaFrames.read(record("cam-3", 7, gray, headers("3", "1", "gray8", "768", "576")),
                FrameLimits.DEFAULT, FrameValidation.DECODE));
        assertEquals(768 * 576 * 3, dg.payload().length);
    }

    @Test
    void producerRecordCarriesTheContract() {
        FrameRecord f = FrameRecord.of("cam-7", 12, 1_700_000_000_000L, FrameEncoding.JPEG, 768, 576, jpeg);
        ProducerRecord<byte[], byte[]> r = KafkaFrames.toProducerRecord(TOPIC, f);
        assertEquals("cam-7", new String(r.key(), StandardCharsets.UTF_8));
        assertNull(r.partition(), "the key hash picks the partition");
        assertEquals(1_700_000_000_000L, r.timestamp());
        assertEquals("12", text(r.headers().lastHeader(FrameHeaders.SEQUENCE)));
        assertEquals("1700000000000", text(r.headers().lastHeader(FrameHeaders.CAPTURE_TIME)));
        assertEquals("jpeg", text(r.headers().lastHeader(FrameHeaders.ENCODING)));
        assertEquals("768", text(r.headers().lastHeader(FrameHeaders.WIDTH)));
        assertEquals("576", text(r.headers().lastHeader(FrameHeaders.HEIGHT)));
        // and back
        ConsumerRecord<byte[], byte[]> c = new ConsumerRecord<>(TOPIC, 1, 99, r.timestamp(), TimestampType.CREATE_TIME,
                r.key().length, r.value().length, r.key(), r.value(), r.headers(), Optional.empty());
        assertEquals(f.withSource(new SourcePosition(TOPIC, 1, 99)), KafkaFrames.read(c));
        // partitioning: stable and spread
        assertEquals(KafkaFrames.partitionFor("cam-7", 12), KafkaFrames.partitionFor("cam-7", 12));
        long distinct = java.util.stream.IntStream.range(0, 32).map(i -> KafkaFrames.partitionFor("cam-" + i, 4)).distinct().count();
        assertEquals(4, distinct);
    }

    @Test
    void badRecordsBecomeDeadLettersNamingWhatIsWrong() {
        byte[] garbage = "garbage bytes, not an image".getBytes(StandardCharsets.US_ASCII);
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        Object[][] cases = {
                // camera, payload, headers, expected problem, text the detail must contain
                {"cam-1", garbage, headers("1", "1", "jpeg", null, null), FrameProblem.CORRUPT_IMAGE, "starting 'garbage '"},
                {"cam-1", garbage, headers("1", "1", "png", null, null), FrameProblem.CORRUPT_IMAGE, "not a valid png"},
                {"cam-1", png, headers("1", "1", "jpeg", null, null), FrameProblem.CORRUPT_IMAGE, "jpeg"},
                {"cam-1", jpeg, headers(null, "1", "jpeg", null, null), FrameProblem.MISSING_HEADER, "'sequence' is missing"},
                {"cam-1", jpeg, headers("1", null, "jpeg", null, null), FrameProblem.MISSING_HEADER, "'capture-time-ms' is missing"},
                {"cam-1", jpeg, headers("1", "1", null, null, null), FrameProblem.MISSING_HEADER, "'encoding' is missing"},
                {"cam-1", jpeg, new RecordHeaders(), FrameProblem.MISSING_HEADER, "missing"},
                {"cam-1", jpeg, headers("-1", "1", "jpeg", null, null), FrameProblem.BAD_HEADER, "'sequence' is '-1'"},
                {"cam-1", jpeg, headers("12a", "1", "jpeg", null, null), FrameProblem.BAD_HEADER, "'sequence' is '12a'"},
                {"cam-1", jpeg, headers("99999999999999999999", "1", "jpeg", null, null), FrameProblem.BAD_HEADER, "sequence"},
                {"cam-1", jpeg, headers("1", " 5", "jpeg", null, null), FrameProblem.BAD_HEADER, "'capture-time-ms' is ' 5'"},
                {"cam-1", jpeg, headers("1", "1", "jpeg", "768", null), FrameProblem.BAD_HEADER, "'width' without 'height'"},
                {"cam-1", jpeg, headers("1", "1", "jpeg", "640", "480"), FrameProblem.SIZE_MISMATCH, "640x480"},
                {"cam-1", jpeg, headers("1", "1", "webp", null, null), FrameProblem.UNKNOWN_ENCODING, "'webp'"},
                {"cam-1", jpeg, headers("1", "1", "rgb24", null, null), FrameProblem.MISSING_HEADER, "'width' and 'height'"},
                {"cam-1", jpeg, headers("1", "1", "rgb24", "768", "576"), FrameProblem.SIZE_MISMATCH, "needs 1327104 bytes"},
                {"cam-1", jpeg, headers("1", "1", "rgb24", "0", "576"), FrameProblem.BAD_HEADER, "empty"},
                {"cam-1", new byte[0], headers("1", "1", "jpeg", null, null), FrameProblem.EMPTY_PAYLOAD, "no value"},
                {"cam-1", null, headers("1", "1", "jpeg", null, null), FrameProblem.EMPTY_PAYLOAD, "no value"},
                {"cam-1", jpeg, duplicated(headers("1", "1", "jpeg", null, null), FrameHeaders.SEQUENCE, "2"),
                        FrameProblem.BAD_HEADER, "more than once"},
                {null, jpeg, headers("1", "1", "jpeg", null, null), FrameProblem.MISSING_KEY, "no key"},
                {"", jpeg, headers("1", "1", "jpeg", null, null), FrameProblem.BAD_KEY, "empty"},
                {"cam\n1", jpeg, headers("1", "1", "jpeg", null, null), FrameProblem.BAD_KEY, "U+000A"},
                {"c".repeat(300), jpeg, headers("1", "1", "jpeg", null, null), FrameProblem.BAD_KEY, "300 characters"},
        };
        long offset = 100;
        for (Object[] c : cases) {
            String camera = (String) c[0];
            ConsumerRecord<byte[], byte[]> r = record(camera, offset, (byte[]) c[1], (RecordHeaders) c[2]);
            DeadLetter d = deadLetter(KafkaFrames.read(r), c);
            assertEquals(c[3], d.problem(), d.reason());
            assertTrue(d.detail().contains((String) c[4]), "'" + c[4] + "' not in: " + d.detail());
            assertEquals(new SourcePosition(TOPIC, 2, offset), d.source());
            assertTrue(d.reason().contains(TOPIC + "-2@" + offset), d.reason());
            if (camera != null && !camera.isEmpty() && !camera.contains("\n") && camera.length() < 64) {
                assertEquals(camera, d.cameraId());
                assertTrue(d.reason().startsWith("camera '" + camera + "' at frames-2@" + offset + ": " + c[3] + ": "), d.reason());
            }
            // the original record, unchanged
            assertArrayEquals(r.key(), d.key());
            assertArrayEquals(r.value(), d.value());
            List<DeadLetter.Header> hs = new ArrayList<>();
            for (Header h : r.headers()) hs.add(new DeadLetter.Header(h.key(), h.value()));
            assertEquals(hs, d.headers());
            assertEquals(1234, d.timestamp());
            System.out.println(d.reason());
            offset++;
        }
        // a non-UTF-8 key: no camera name, but still topic/partition/offset
        DeadLetter d = deadLetter(KafkaFrames.read(new ConsumerRecord<>(TOPIC, 0, 7, 1L, TimestampType.CREATE_TIME, 2,
                jpeg.length, new byte[] {(byte) 0xff, (byte) 0xfe}, jpeg, headers("1", "1", "jpeg", null, null),
                Optional.empty())), new Object[] {"non-UTF-8"});
        assertEquals(FrameProblem.BAD_KEY, d.problem());
        assertNull(d.cameraId());
        assertEquals("record without a camera id at frames-0@7: BAD_KEY: the key is not UTF-8 text: 2 bytes 0xfffe", d.reason());

        // truncated JPEG: its header is intact, so PROBE lets it through and DECODE catches it
        ConsumerRecord<byte[], byte[]> t = record("cam-9", 5, truncated, headers("1", "1", "jpeg", null, null));
        assertTrue(KafkaFrames.read(t).isFrame());
        DeadLetter td = deadLetter(KafkaFrames.read(t, FrameLimits.DEFAULT, FrameValidation.DECODE), new Object[] {"truncated"});
        assertEquals(FrameProblem.CORRUPT_IMAGE, td.problem());
        assertTrue(td.reason().startsWith("camera 'cam-9' at frames-2@5: CORRUPT_IMAGE: jpeg image of"), td.reason());
        assertTrue(td.detail().contains("Premature end") || td.detail().contains("Missing EOI"), td.detail());
    }

    @Test
    void absurdSizesAreRefusedBeforeAnyBigAllocation() {
        Object[][] cases = {
                {new byte[4096], headers("1", "1", "rgb24", "100000", "100000"), "declared size 100000x100000"},
                {new byte[4096], headers("1", "1", "gray8", "2147483647", "2147483647"), "declared size 2147483647x2147483647"},
                {jpeg, headers("1", "1", "jpeg", "100000", "100000"), "declared size 100000x100000"},
                {Images.jpegWithSize(jpeg, 65000, 60000), headers("1", "1", "jpeg", null, null), "jpeg header size 65000x60000"},
                {Images.jpegWithSize(jpeg, 65535, 65535), headers("1", "1", "jpeg", null, null), "jpeg header size exceeds the decoder's limit"},
                {Images.pngWithSize(png, 100000, 100000), headers("1", "1", "png", null, null), "png header size 100000x100000"},
        };
        for (FrameValidation v : FrameValidation.values()) {
            for (Object[] c : cases) {
                if (v == FrameValidation.HEADERS && c[2].toString().contains("header size")) continue; // bytes not looked at
                ConsumerRecord<byte[], byte[]> r = record("cam-5", 3, (byte[]) c[0], (RecordHeaders) c[1]);
                long before = VtestFrames.allocatedBytes();
                Incoming in = KafkaFrames.read(r, FrameLimits.DEFAULT, v);
                long allocated = VtestFrames.allocatedBytes() - before;
                DeadLetter d = deadLetter(in, c);
                assertEquals(FrameProblem.TOO_LARGE, d.problem(), d.reason());
                assertTrue(d.detail().contains((String) c[2]), d.detail());
                assertTrue(allocated < (1 << 20), v + ": " + allocated + " bytes allocated for " + d.reason());
            }
        }
        // with limits of our own, vtest's 768x576 is too large
        DeadLetter d = deadLetter(KafkaFrames.read(record("cam-5", 3, jpeg, headers("1", "1", "jpeg", null, null)),
                FrameLimits.of(640, 480), FrameValidation.PROBE), new Object[] {"limits"});
        assertEquals("camera 'cam-5' at frames-2@3: TOO_LARGE: jpeg header size 768x576 (442368 pixels) exceeds the limit"
                + " of 640x480 / 307200 pixels", d.reason());
    }

    @Test
    void flinkSerializersRoundTrip() throws Exception {
        FrameRecord f = FrameRecord.of("cam-ü", 3, 99, FrameEncoding.PNG, 768, 576, png)
                .withSource(new SourcePosition("frames", 1, 12345678901L));
        FrameRecord raw = FrameRecord.of("c", 0, 0, FrameEncoding.GRAY8, 2, 1, new byte[] {1, 2});
        DeadLetter d = deadLetter(KafkaFrames.read(record(null, 1, null, headers("1", null, "jpeg", null, null))), new Object[0]);
        DeadLetter d2 = new DeadLetter("cam", new byte[] {1}, new byte[0],
                List.of(new DeadLetter.Header("x", null), new DeadLetter.Header("y", new byte[] {9})), null, -1,
                FrameProblem.INTERNAL, "boom");
        assertEquals(f, roundTrip(FrameTypes.FRAME.createSerializer(null), f));
        assertEquals(raw, roundTrip(FrameTypes.FRAME.createSerializer(null), raw));
        assertEquals(d, roundTrip(FrameTypes.DEAD_LETTER.createSerializer(null), d));
        assertEquals(d2, roundTrip(FrameTypes.DEAD_LETTER.createSerializer(null), d2));
        TypeSerializer<Incoming> in = FrameTypes.INCOMING.createSerializer(null);
        for (Incoming i : List.of(f, raw, d, d2)) assertEquals(i, roundTrip(in, i));
        // snapshots restore the same serializer
        assertEquals(in, in.snapshotConfiguration().restoreSerializer());
    }

    @Test
    void deadLetterRecordKeepsTheOriginalAndSaysWhy() throws Exception {
        ConsumerRecord<byte[], byte[]> r = record("cam-4", 77, jpeg, headers("x", "1", "jpeg", null, null));
        DeadLetter d = deadLetter(KafkaFrames.read(r), new Object[0]);
        ProducerRecord<byte[], byte[]> out = DeadLetterSerializationSchema.toProducerRecord("dead-letters", d);
        assertEquals("dead-letters", out.topic());
        assertArrayEquals(r.key(), out.key());
        assertArrayEquals(r.value(), out.value());
        assertEquals(1234L, out.timestamp());
        assertEquals("x", text(out.headers().lastHeader(FrameHeaders.SEQUENCE)));
        assertEquals("BAD_HEADER", text(out.headers().lastHeader(FrameHeaders.DEAD_LETTER_PROBLEM)));
        JsonNode j = new ObjectMapper().readTree(out.headers().lastHeader(FrameHeaders.DEAD_LETTER_REASON).value());
        assertEquals("BAD_HEADER", j.get("problem").asText());
        assertEquals("cam-4", j.get("camera").asText());
        assertEquals("frames", j.get("topic").asText());
        assertEquals(2, j.get("partition").asInt());
        assertEquals(77, j.get("offset").asLong());
        assertTrue(j.get("reason").asText().startsWith("camera 'cam-4' at frames-2@77: BAD_HEADER: header 'sequence' is 'x'"));
    }

    // ------------------------------------------------------------------ helpers

    private static <T> T roundTrip(TypeSerializer<T> s, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        s.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = s.deserialize(in);
        assertEquals(0, in.available(), "whole record read");
        return back;
    }

    private static FrameRecord frame(Incoming in) {
        if (in instanceof DeadLetter d) throw new AssertionError("expected a frame, got " + d);
        return (FrameRecord) in;
    }

    private static DeadLetter deadLetter(Incoming in, Object[] testCase) {
        return assertInstanceOf(DeadLetter.class, in, () -> "expected a dead letter for " + Arrays.deepToString(testCase)
                .substring(0, Math.min(200, Arrays.deepToString(testCase).length())));
    }

    static RecordHeaders headers(String seq, String time, String encoding, String width, String height) {
        RecordHeaders h = new RecordHeaders();
        h.add("traceparent", "00-abc".getBytes(StandardCharsets.US_ASCII)); // foreign headers are kept and ignored
        if (seq != null) h.add(FrameHeaders.SEQUENCE, seq.getBytes(StandardCharsets.UTF_8));
        if (time != null) h.add(FrameHeaders.CAPTURE_TIME, time.getBytes(StandardCharsets.UTF_8));
        if (encoding != null) h.add(FrameHeaders.ENCODING, encoding.getBytes(StandardCharsets.UTF_8));
        if (width != null) h.add(FrameHeaders.WIDTH, width.getBytes(StandardCharsets.UTF_8));
        if (height != null) h.add(FrameHeaders.HEIGHT, height.getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private static RecordHeaders duplicated(RecordHeaders h, String key, String value) {
        h.add(new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8)));
        return h;
    }

    private static ConsumerRecord<byte[], byte[]> record(String camera, long offset, byte[] value, RecordHeaders headers) {
        byte[] key = camera == null ? null : camera.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(TOPIC, 2, offset, 1234L, TimestampType.CREATE_TIME, key == null ? -1 : key.length,
                value == null ? -1 : value.length, key, value, headers, Optional.empty());
    }

    private static String text(Header h) {
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
