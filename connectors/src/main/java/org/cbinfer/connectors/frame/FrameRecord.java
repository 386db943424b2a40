package org.cbinfer.connectors.frame;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One camera frame as it travels through Kafka and the job: metadata plus the encoded image.
 *
 * <p>For raw encodings ({@link FrameEncoding#RGB24}, {@link FrameEncoding#GRAY8}) width and height are
 * required and the payload must hold exactly {@code width * height * bytesPerPixel} bytes. For JPEG
 * and PNG the image carries its own size: width and height are 0 when unknown, else the size the
 * producer declared or a source read from the image header.
 *
 * <p>The payload array is not copied: it is handed over on construction and must not be changed
 * afterwards ({@link #payload()} returns the same array).
 *
 * @param cameraId        the camera, the Kafka key
 * @param sequence        the camera's frame number, from 0, increasing by one per frame sent
 * @param captureTimeMillis capture time, milliseconds since the epoch
 * @param encoding        how {@code payload} stores the pixels
 * @param width           width in pixels, or 0 when not known (JPEG/PNG only)
 * @param height          height in pixels, or 0 when not known (JPEG/PNG only)
 * @param payload         the encoded image
 * @param source          Kafka coordinates when the frame was read from Kafka, else null
 */
@PublicEvolving
public record FrameRecord(String cameraId, long sequence, long captureTimeMillis, FrameEncoding encoding,
                          int width, int height, byte[] payload, SourcePosition source) implements Incoming {

    public FrameRecord {
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(payload, "payload");
        if (sequence < 0) throw new IllegalArgumentException("negative sequence " + sequence);
        if (width < 0 || height < 0 || (width == 0) != (height == 0)) {
            throw new IllegalArgumentException("bad frame size " + width + "x" + height);
        }
        if (encoding.isRaw()) {
            if (width == 0) throw new IllegalArgumentException(encoding.id() + " frames need a width and height");
            long need = (long) width * height * encoding.rawBytesPerPixel();
            if (payload.length != need) {
                throw new IllegalArgumentException(encoding.id() + " frame " + width + "x" + height + " needs " + need
                        + " bytes, got " + payload.length);
            }
        }
    }

    /** A frame not read from Kafka (no source position). */
    public static FrameRecord of(String cameraId, long sequence, long captureTimeMillis, FrameEncoding encoding,
                                 int width, int height, byte[] payload) {
        return new FrameRecord(cameraId, sequence, captureTimeMillis, encoding, width, height, payload, null);
    }

    /** True when the size is known (always for raw encodings). */
    public boolean hasSize() {
        return width > 0;
    }

    /** The same frame with another source position. */
    public FrameRecord withSource(SourcePosition position) {
        return new FrameRecord(cameraId, sequence, captureTimeMillis, encoding, width, height, payload, position);
    }

    /** The same metadata with another image (e.g. the RGB24 pixels after decoding). */
    public FrameRecord withImage(FrameEncoding newEncoding, int newWidth, int newHeight, byte[] newPayload) {
        return new FrameRecord(cameraId, sequence, captureTimeMillis, newEncoding, newWidth, newHeight, newPayload, source);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameRecord f && sequence == f.sequence && captureTimeMillis == f.captureTimeMillis
                && width == f.width && height == f.height && cameraId.equals(f.cameraId) && encoding == f.encoding
                && Objects.equals(source, f.source) && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, sequence, captureTimeMillis, encoding, width, height, source)
                * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "FrameRecord[" + cameraId + " #" + sequence + ", " + encoding.id()
                + (hasSize() ? " " + width + "x" + height : "") + ", " + payload.length + " bytes, t=" + captureTimeMillis
                + (source != null ? ", from " + source : "") + "]";
    }
}
