package org.cbinfer.connectors.frame;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Upper bounds a frame's size is checked against before any pixel buffer is allocated.
 *
 * @param maxWidth  widest frame accepted, in pixels
 * @param maxHeight tallest frame accepted, in pixels
 * @param maxPixels largest {@code width * height} accepted
 */
@PublicEvolving
public record FrameLimits(int maxWidth, int maxHeight, long maxPixels) implements Serializable {

    /** 8192 x 8192 (an RGB24 buffer of 192 MiB at most). */
    public static final FrameLimits DEFAULT = new FrameLimits(8192, 8192, 8192L * 8192);

    public FrameLimits {
        if (maxWidth <= 0 || maxHeight <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("frame limits must be positive, got " + maxWidth + "x" + maxHeight
                    + " / " + maxPixels + " pixels");
        }
        // RGB24 pixel buffers are Java arrays: keep width * height * 3 below 2^31.
        if (maxPixels > (Integer.MAX_VALUE - 16) / 3) {
            throw new IllegalArgumentException("maxPixels " + maxPixels + " exceeds what one RGB24 array can hold ("
                    + (Integer.MAX_VALUE - 16) / 3 + ")");
        }
    }

    /** At most {@code width x height}, that many pixels in all. */
    public static FrameLimits of(int maxWidth, int maxHeight) {
        return new FrameLimits(maxWidth, maxHeight, (long) maxWidth * maxHeight);
    }

    /**
     * Checks a size, without allocating anything.
     *
     * @param what names the size in the message ("declared", "JPEG header", ...)
     */
    public void check(int width, int height, String what) throws FrameException {
        if (width <= 0 || height <= 0) {
            throw new FrameException(FrameProblem.BAD_HEADER, what + " size " + width + "x" + height + " is not positive");
        }
        if (width > maxWidth || height > maxHeight || (long) width * height > maxPixels) {
            throw new FrameException(FrameProblem.TOO_LARGE, what + " size " + width + "x" + height + " ("
                    + ((long) width * height) + " pixels) exceeds the limit of " + maxWidth + "x" + maxHeight
                    + " / " + maxPixels + " pixels");
        }
    }
}
