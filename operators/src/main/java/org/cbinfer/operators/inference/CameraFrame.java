package org.cbinfer.operators.inference;

import org.apache.flink.annotation.PublicEvolving;

/**
 * One decoded frame of one camera, as the inference operator takes it: RGB24 pixels row-major, with the camera's
 * sequence number and capture time. {@code origin} says where it came from (for error reports, e.g.
 * topic/partition/offset); {@code arrived} is the frame as it arrived (encoded), handed back with a
 * {@link FrameRejection} so that a rejected frame's dead letter carries the original bytes; null when unknown.
 */
@PublicEvolving
public record CameraFrame(String camera, long sequence, long captureTimeMillis, int width, int height, byte[] rgb,
                          String origin, Encoded arrived) {

    /** The frame as it arrived: its encoding id, the size it declared (0x0: none) and its bytes, unchanged. */
    public record Encoded(String encoding, int width, int height, byte[] bytes) {}

    /** A frame with no record of how it arrived (its RGB pixels are all there is). */
    public CameraFrame(String camera, long sequence, long captureTimeMillis, int width, int height, byte[] rgb,
                       String origin) {
        this(camera, sequence, captureTimeMillis, width, height, rgb, origin, null);
    }
}
