package org.cbinfer.kernels.tensor;

import java.util.Objects;

/**
 * An interleaved 8-bit RGB frame (row-major, 3 bytes a pixel, starting at {@code offset}) and how its pixel
 * values map to a network's input values: what a camera delivers, before it becomes a [1, 3, h, w] tensor.
 * Backends take frames in this form so that the conversion happens where the network runs: the GPU backend
 * uploads the 3 bytes of a pixel instead of 12 and converts on the device, bit for bit as {@link #toTensor}.
 */
public record RgbInput(byte[] rgb, int offset, int width, int height, ImageTensors.Scale scale) {
    /** @throws IllegalArgumentException if the buffer does not hold a non-empty {@code width x height} image */
    public RgbInput {
        Objects.requireNonNull(rgb, "rgb");
        Objects.requireNonNull(scale, "scale");
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
        long bytes = 3L * width * height;
        if (bytes > Shapes.MAX_ELEMENTS || offset < 0 || offset + bytes > rgb.length) {
            throw new IllegalArgumentException("RGB buffer of " + rgb.length + " bytes does not hold a " + width + "x"
                    + height + " image at offset " + offset);
        }
    }

    /** The network input: [1, 3, height, width], each value {@code scale.apply(byte)}. */
    public Tensor toTensor() {
        return ImageTensors.fromRgb(rgb, offset, width, height, scale);
    }

    /** The input shape this image becomes. */
    public int[] shape() {
        return new int[] {1, 3, height, width};
    }

    /** Every byte value's input value, as {@link #toTensor} maps it. */
    public float[] lookupTable() {
        float[] lut = new float[256];
        for (int v = 0; v < 256; v++) lut[v] = scale.apply(v);
        return lut;
    }
}
