package org.cbinfer.connectors.video;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One decoded video frame: interleaved RGB24, row-major, {@code width * 3} bytes a row, no padding.
 *
 * <p>Immutable: the pixels are copied in, and {@link #rgb()} hands out a copy. Read without copying
 * through {@link #rgbView()} (read-only) or {@link #copyRgbTo(byte[], int)}.
 *
 * @param index           0-based position of the frame in the video's decode order
 * @param width           width in pixels
 * @param height          height in pixels
 * @param rgb             {@code width * height * 3} bytes
 * @param timestampMicros presentation time in microseconds from the start of the stream
 */
@PublicEvolving
public record VideoFrame(long index, int width, int height, byte[] rgb, long timestampMicros) {

    public VideoFrame {
        if (index < 0) throw new IllegalArgumentException("negative frame index " + index);
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty frame " + width + "x" + height);
        Objects.requireNonNull(rgb, "rgb");
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB24 frame " + width + "x" + height + " needs "
                    + ((long) width * height * 3) + " bytes, got " + rgb.length);
        }
        rgb = rgb.clone();
    }

    /** A copy of the pixels. */
    @Override
    public byte[] rgb() {
        return rgb.clone();
    }

    /** The pixels without copying, read-only. */
    public ByteBuffer rgbView() {
        return ByteBuffer.wrap(rgb).asReadOnlyBuffer();
    }

    /** Copies the pixels into {@code dst} at {@code offset}. */
    public void copyRgbTo(byte[] dst, int offset) {
        System.arraycopy(rgb, 0, dst, offset, rgb.length);
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255. */
    public int sample(int x, int y, int c) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        Objects.checkIndex(c, 3);
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /** Bytes of pixel data ({@code width * height * 3}). */
    public int byteSize() {
        return rgb.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VideoFrame f
                && index == f.index && width == f.width && height == f.height
                && timestampMicros == f.timestampMicros && Arrays.equals(rgb, f.rgb);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, width, height, timestampMicros, Arrays.hashCode(rgb));
    }

    @Override
    public String toString() {
        return "VideoFrame[index=" + index + ", " + width + "x" + height + ", t=" + timestampMicros + "us]";
    }
}
