package org.cbinfer.connectors.kafka.contract;

import org.apache.flink.annotation.PublicEvolving;

/**
 * The frame contract on Kafka (docs/architecture.md, "Contracts a user sees").
 *
 * <table>
 * <caption>One frame = one Kafka record</caption>
 * <tr><th>part</th><th>content</th></tr>
 * <tr><td>key</td><td>the camera id, UTF-8, 1..255 characters, no control characters</td></tr>
 * <tr><td>value</td><td>the image: JPEG, PNG, or raw RGB24 / GRAY8 (row-major, no padding)</td></tr>
 * <tr><td>header {@value #SEQUENCE}</td><td>required: the camera's frame number, from 0</td></tr>
 * <tr><td>header {@value #CAPTURE_TIME}</td><td>required: capture time, milliseconds since the epoch</td></tr>
 * <tr><td>header {@value #ENCODING}</td><td>required: {@code jpeg}, {@code png}, {@code rgb24} or {@code gray8}</td></tr>
 * <tr><td>headers {@value #WIDTH}, {@value #HEIGHT}</td><td>required for {@code rgb24}/{@code gray8};
 *     optional for {@code jpeg}/{@code png}, and then they must match the image</td></tr>
 * <tr><td>record timestamp</td><td>the capture time (set by {@code cbinfer produce}; not relied on)</td></tr>
 * </table>
 *
 * <p>Every header value is UTF-8 text: numbers in plain decimal ({@code "42"}, no sign, no spaces),
 * the encoding as its lower-case name. A header may appear once; a repeated contract header is an error.
 * Other headers are ignored (and kept on dead letters).
 *
 * <p><b>Partitioning</b>: producers leave the partition to Kafka's key hash (murmur2 of the key
 * bytes, the default partitioner of every Kafka client), so all frames of a camera land in one
 * partition, in the order sent; {@link KafkaFrames#partitionFor} computes it. Producers must not set
 * partitions explicitly, and a topic's partition count must not change while cameras stream to it.
 *
 * <p><b>Dead letters</b> (topic {@code dead-letters} by default) keep the original key, value and
 * headers, and add {@value #DEAD_LETTER_PROBLEM} (the {@code FrameProblem} code, e.g.
 * {@code MISSING_HEADER}) and {@value #DEAD_LETTER_REASON} (a JSON object: {@code problem},
 * {@code detail}, {@code reason}, {@code camera}, {@code topic}, {@code partition}, {@code offset},
 * {@code timestamp}).
 */
@PublicEvolving
public final class FrameHeaders {
    /** The camera's frame number (decimal, from 0). */
    public static final String SEQUENCE = "sequence";
    /** Capture time in milliseconds since the epoch (decimal). */
    public static final String CAPTURE_TIME = "capture-time-ms";
    /** {@code jpeg}, {@code png}, {@code rgb24} or {@code gray8}. */
    public static final String ENCODING = "encoding";
    /** Width in pixels (decimal); required for raw encodings. */
    public static final String WIDTH = "width";
    /** Height in pixels (decimal); required for raw encodings. */
    public static final String HEIGHT = "height";

    /** On dead letters: the problem code. */
    public static final String DEAD_LETTER_PROBLEM = "dead-letter-problem";
    /** On dead letters: what was wrong, as a JSON object. */
    public static final String DEAD_LETTER_REASON = "dead-letter-reason";

    /** The longest camera id accepted, in characters. */
    public static final int MAX_CAMERA_ID_LENGTH = 255;

    private FrameHeaders() {}
}
