package org.cbinfer.connectors.frame;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Decoded pixels: interleaved RGB24, row-major, {@code width * 3} bytes a row, no padding (the layout
 * of {@code VideoFrame} and of the engine's image tensors).
 *
 * <p>The array is not copied in or out: whoever builds an image hands the array over and must not
 * change it afterwards.
 */
@PublicEvolving
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB24 image " + width + "x" + height + " needs "
                    + ((long) width * height * 3) + " bytes, got " + rgb.length);
        }
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255. */
    public int sample(int x, int y, int c) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        Objects.checkIndex(c, 3);
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage i && width == i.width && height == i.height && java.util.Arrays.equals(rgb, i.rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + java.util.Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
