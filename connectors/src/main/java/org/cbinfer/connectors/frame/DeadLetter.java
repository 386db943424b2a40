package org.cbinfer.connectors.frame;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A record that could not be taken as a frame: the original key, value and headers, unchanged, where
 * it came from, and what was wrong.
 *
 * @param cameraId  the key as text when it is valid UTF-8, else null
 * @param key       the original key bytes, or null
 * @param value     the original value bytes, or null
 * @param headers   the original headers, in order
 * @param source    topic/partition/offset it was read from, or null when not read from Kafka
 * @param timestamp the original record timestamp (ms), or -1
 * @param problem   what kind of wrong
 * @param detail    what exactly, with the values involved
 */
@PublicEvolving
public record DeadLetter(String cameraId, byte[] key, byte[] value, List<Header> headers, SourcePosition source,
                         long timestamp, FrameProblem problem, String detail) implements Incoming {

    /** One original header; the value may be null (Kafka allows it). */
    public record Header(String key, byte[] value) {
        public Header {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return key + "=" + (value == null ? "null" : printable(value));
        }
    }

    public DeadLetter {
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * A frame that passed the source's checks but failed later (e.g. on full decoding): the frame's
     * bytes with the headers of the frame contract re-created from its metadata.
     *
     * @param headers the contract's headers for the frame (see the Kafka module's {@code FrameHeaders})
     */
    public static DeadLetter of(FrameRecord frame, List<Header> headers, FrameProblem problem, String detail) {
        return new DeadLetter(frame.cameraId(), frame.cameraId().getBytes(StandardCharsets.UTF_8), frame.payload(),
                headers, frame.source(), frame.captureTimeMillis(), problem, detail);
    }

    /**
     * The full reason, naming camera, topic, partition and offset, e.g.
     * {@code camera 'cam-1' at frames-0@17: MISSING_HEADER: header 'sequence' is missing}.
     */
    public String reason() {
        StringBuilder sb = new StringBuilder();
        sb.append(cameraId != null ? "camera '" + cameraId + "'" : "record without a camera id");
        if (source != null) sb.append(" at ").append(source);
        return sb.append(": ").append(problem).append(": ").append(detail).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && timestamp == d.timestamp && problem == d.problem
                && Objects.equals(cameraId, d.cameraId) && Arrays.equals(key, d.key) && Arrays.equals(value, d.value)
                && headers.equals(d.headers) && Objects.equals(source, d.source) && detail.equals(d.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, headers, source, timestamp, problem, detail) * 961
                + Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "DeadLetter[" + reason() + ", " + (value == null ? "no value" : value.length + " bytes") + "]";
    }

    /** Bytes as text when they look like short ASCII, else as a length and hex prefix (for messages). */
    public static String printable(byte[] b) {
        boolean ascii = b.length <= 64;
        for (int i = 0; ascii && i < b.length; i++) ascii = b[i] >= 0x20 && b[i] < 0x7f;
        if (ascii) return "'" + new String(b, StandardCharsets.US_ASCII) + "'";
        StringBuilder sb = new StringBuilder(b.length + " bytes 0x");
        for (int i = 0; i < Math.min(b.length, 16); i++) sb.append(String.format("%02x", b[i] & 0xff));
        return sb.append(b.length > 16 ? "..." : "").toString();
    }
}
