package org.cbinfer.connectors.kafka.contract;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.cbinfer.connectors.frame.DeadLetter;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameException;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.FrameProblem;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.connectors.frame.SourcePosition;

/**
 * The {@link FrameHeaders frame contract} in both directions, with plain Kafka client types: frames to
 * producer records, and consumer records to frames or dead letters. Used by the Flink schemas and by
 * {@code cbinfer produce}. Stateless and thread-safe.
 */
@PublicEvolving
public final class KafkaFrames {
    private KafkaFrames() {}

    // ------------------------------------------------------------------ writing

    /**
     * The record that carries {@code frame} to {@code topic}: key = camera id, value = payload, the
     * contract's headers, timestamp = capture time, partition left to the key hash.
     */
    public static ProducerRecord<byte[], byte[]> toProducerRecord(String topic, FrameRecord frame) {
        Objects.requireNonNull(topic, "topic");
        RecordHeaders headers = new RecordHeaders();
        for (DeadLetter.Header h : contractHeaders(frame)) headers.add(new RecordHeader(h.key(), h.value()));
        return new ProducerRecord<>(topic, null, frame.captureTimeMillis(),
                frame.cameraId().getBytes(StandardCharsets.UTF_8), frame.payload(), headers);
    }

    /** The contract's headers for a frame: sequence, capture time, encoding, and the size when known. */
    public static List<DeadLetter.Header> contractHeaders(FrameRecord frame) {
        List<DeadLetter.Header> h = new ArrayList<>(5);
        h.add(new DeadLetter.Header(FrameHeaders.SEQUENCE, ascii(frame.sequence())));
        h.add(new DeadLetter.Header(FrameHeaders.CAPTURE_TIME, ascii(frame.captureTimeMillis())));
        h.add(new DeadLetter.Header(FrameHeaders.ENCODING, frame.encoding().id().getBytes(StandardCharsets.US_ASCII)));
        if (frame.hasSize()) {
            h.add(new DeadLetter.Header(FrameHeaders.WIDTH, ascii(frame.width())));
            h.add(new DeadLetter.Header(FrameHeaders.HEIGHT, ascii(frame.height())));
        }
        return h;
    }

    /**
     * The partition Kafka's default partitioner picks for a camera's frames: murmur2 of the UTF-8 key,
     * made positive, modulo the partition count.
     */
    public static int partitionFor(String cameraId, int partitions) {
        if (partitions <= 0) throw new IllegalArgumentException("partitions must be positive, got " + partitions);
        return BuiltInPartitioner.partitionForKey(cameraId.getBytes(StandardCharsets.UTF_8), partitions);
    }

    // ------------------------------------------------------------------ reading

    /**
     * A consumer record as a {@link FrameRecord} (with its source position), or as a {@link DeadLetter}
     * naming what is wrong. Never throws: any failure, even a bug, comes back as a dead letter.
     */
    public static Incoming read(ConsumerRecord<byte[], byte[]> record, FrameLimits limits, FrameValidation validation) {
        SourcePosition pos = new SourcePosition(record.topic(), record.partition(), record.offset());
        String camera = null;
        try {
            camera = cameraId(record.key());
            Parsed p = parseHeaders(record.headers());
            byte[] payload = record.value();
            if (payload == null || payload.length == 0) {
                throw new FrameException(FrameProblem.EMPTY_PAYLOAD, "the record has no value (image bytes)");
            }
            int w = p.width, h = p.height;
            if (validation == FrameValidation.DECODE) {
                RgbImage img = FrameCodec.decode(p.encoding, payload, w, h, limits);
                return new FrameRecord(camera, p.sequence, p.captureTime, FrameEncoding.RGB24, img.width(),
                        img.height(), img.rgb(), pos);
            }
            if (validation == FrameValidation.PROBE || p.encoding.isRaw()) {
                int[] size = FrameCodec.probe(p.encoding, payload, w, h, limits);
                w = size[0];
                h = size[1];
            } else if (w != 0) {
                limits.check(w, h, "declared");
            }
            return new FrameRecord(camera, p.sequence, p.captureTime, p.encoding, w, h, payload, pos);
        } catch (FrameException e) {
            return deadLetter(record, pos, camera != null ? camera : textOf(record.key()), e.problem(), e.detail());
        } catch (RuntimeException e) {
            return deadLetter(record, pos, camera != null ? camera : textOf(record.key()), FrameProblem.INTERNAL,
                    "unexpected " + e);
        }
    }

    /** {@link #read} with the default limits and {@link FrameValidation#PROBE}. */
    public static Incoming read(ConsumerRecord<byte[], byte[]> record) {
        return read(record, FrameLimits.DEFAULT, FrameValidation.PROBE);
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r, SourcePosition pos, String camera,
                                         FrameProblem problem, String detail) {
        List<DeadLetter.Header> headers = new ArrayList<>();
        for (Header h : r.headers()) headers.add(new DeadLetter.Header(h.key(), h.value()));
        return new DeadLetter(camera, r.key(), r.value(), headers, pos, r.timestamp() >= 0 ? r.timestamp() : -1,
                problem, detail);
    }

    private record Parsed(long sequence, long captureTime, FrameEncoding encoding, int width, int height) {}

    private static Parsed parseHeaders(Iterable<Header> headers) throws FrameException {
        byte[] seq = null, time = null, enc = null, width = null, height = null;
        boolean[] seen = new boolean[5];
        for (Header h : headers) {
            int i = switch (h.key()) {
                case FrameHeaders.SEQUENCE -> 0;
                case FrameHeaders.CAPTURE_TIME -> 1;
                case FrameHeaders.ENCODING -> 2;
                case FrameHeaders.WIDTH -> 3;
                case FrameHeaders.HEIGHT -> 4;
                default -> -1;
            };
            if (i < 0) continue;
            if (seen[i]) throw new FrameException(FrameProblem.BAD_HEADER, "header '" + h.key() + "' appears more than once");
            seen[i] = true;
            byte[] v = h.value() == null ? new byte[0] : h.value();
            switch (i) {
                case 0 -> seq = v;
                case 1 -> time = v;
                case 2 -> enc = v;
                case 3 -> width = v;
                default -> height = v;
            }
        }
        if (enc == null) throw missing(FrameHeaders.ENCODING);
        String encText = new String(enc, StandardCharsets.UTF_8);
        FrameEncoding encoding = FrameEncoding.fromId(encText);
        if (encoding == null) {
            throw new FrameException(FrameProblem.UNKNOWN_ENCODING, "header '" + FrameHeaders.ENCODING + "' is "
                    + DeadLetter.printable(enc) + ", not one of jpeg, png, rgb24, gray8");
        }
        if (seq == null) throw missing(FrameHeaders.SEQUENCE);
        long sequence = number(FrameHeaders.SEQUENCE, seq, Long.MAX_VALUE);
        if (time == null) throw missing(FrameHeaders.CAPTURE_TIME);
        long captureTime = number(FrameHeaders.CAPTURE_TIME, time, Long.MAX_VALUE);
        int w = 0, h = 0;
        if (width != null || height != null) {
            if (width == null || height == null) {
                throw new FrameException(FrameProblem.BAD_HEADER, "header '" + (width == null ? FrameHeaders.HEIGHT
                        : FrameHeaders.WIDTH) + "' without '" + (width == null ? FrameHeaders.WIDTH : FrameHeaders.HEIGHT) + "'");
            }
            w = (int) number(FrameHeaders.WIDTH, width, Integer.MAX_VALUE);
            h = (int) number(FrameHeaders.HEIGHT, height, Integer.MAX_VALUE);
            if (w == 0 || h == 0) {
                throw new FrameException(FrameProblem.BAD_HEADER, "size " + w + "x" + h + " is empty");
            }
        } else if (encoding.isRaw()) {
            throw new FrameException(FrameProblem.MISSING_HEADER, encoding.id() + " frames need headers '"
                    + FrameHeaders.WIDTH + "' and '" + FrameHeaders.HEIGHT + "'");
        }
        return new Parsed(sequence, captureTime, encoding, w, h);
    }

    private static FrameException missing(String header) {
        return new FrameException(FrameProblem.MISSING_HEADER, "header '" + header + "' is missing");
    }

    /** Plain decimal digits, 0..max; anything else is a BAD_HEADER naming the header and the bytes. */
    private static long number(String header, byte[] v, long max) throws FrameException {
        if (v.length == 0 || v.length > 19) throw badNumber(header, v, max);
        long n = 0;
        for (byte b : v) {
            if (b < '0' || b > '9') throw badNumber(header, v, max);
            n = n * 10 + (b - '0');
        }
        if (n > max || n < 0) throw badNumber(header, v, max);
        return n;
    }

    private static FrameException badNumber(String header, byte[] v, long max) {
        return new FrameException(FrameProblem.BAD_HEADER, "header '" + header + "' is " + DeadLetter.printable(v)
                + ", not a decimal number 0.." + max);
    }

    private static String cameraId(byte[] key) throws FrameException {
        if (key == null) throw new FrameException(FrameProblem.MISSING_KEY, "the record has no key (camera id)");
        String id;
        try {
            id = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            throw new FrameException(FrameProblem.BAD_KEY, "the key is not UTF-8 text: " + DeadLetter.printable(key));
        }
        if (id.isEmpty()) throw new FrameException(FrameProblem.BAD_KEY, "the key (camera id) is empty");
        if (id.length() > FrameHeaders.MAX_CAMERA_ID_LENGTH) {
            throw new FrameException(FrameProblem.BAD_KEY, "the camera id has " + id.length() + " characters, more than "
                    + FrameHeaders.MAX_CAMERA_ID_LENGTH);
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw new FrameException(FrameProblem.BAD_KEY, "the camera id contains control character U+"
                        + String.format("%04X", (int) id.charAt(i)));
            }
        }
        return id;
    }

    /** The key as text for a dead letter's reason: its UTF-8 reading, shortened, or null. */
    private static String textOf(byte[] key) {
        if (key == null || key.length == 0) return null;
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key));
            String s = cb.toString().replaceAll("\\p{Cntrl}", "?");
            return s.length() > 64 ? s.substring(0, 64) + "..." : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
}
