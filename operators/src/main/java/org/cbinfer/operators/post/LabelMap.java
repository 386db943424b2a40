package org.cbinfer.operators.post;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A per-pixel class map: {@code width x height} labels in row-major order, each in {@code 0 .. numClasses-1}
 * (stored as unsigned 16-bit values; read them with {@link #label(int, int)}), and the histogram (pixels per class).
 *
 * <h2>PNG encoding of the mask</h2>
 * For up to 256 classes the PNG is 8-bit grayscale with gray = label * {@link #pngStep()}, where
 * {@code pngStep = 255 / (numClasses - 1)} (integer division; 255 for a two-class mask, so background is black
 * and foreground white); a reader recovers the label as gray / pngStep. For more classes it is 16-bit grayscale
 * with gray = label (step 1). {@link #fromPng} reverses both.
 *
 * <p>The arrays are copied in and out, so a LabelMap is immutable.
 */
@PublicEvolving
public record LabelMap(int width, int height, int numClasses, short[] labels, long[] histogram) {
    /** Most classes a label map holds (labels are unsigned 16-bit). */
    public static final int MAX_CLASSES = 65536;

    public LabelMap {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty label map " + width + "x" + height);
        if (numClasses < 1 || numClasses > MAX_CLASSES) {
            throw new IllegalArgumentException("numClasses must be in 1.." + MAX_CLASSES + ", got " + numClasses);
        }
        if ((long) width * height != labels.length) {
            throw new IllegalArgumentException(width + "x" + height + " needs " + (long) width * height + " labels, got "
                    + labels.length);
        }
        labels = labels.clone();
        long[] counted = count(labels, numClasses);
        if (histogram != null && !Arrays.equals(histogram, counted)) {
            throw new IllegalArgumentException("histogram " + Arrays.toString(histogram) + " does not match the labels "
                    + Arrays.toString(counted));
        }
        histogram = counted;
    }

    /** A label map with its histogram counted from the labels. */
    public static LabelMap of(int width, int height, int numClasses, short[] labels) {
        return new LabelMap(width, height, numClasses, labels, null);
    }

    public int label(int x, int y) {
        if (x < 0 || x >= width || y < 0 || y >= height) {
            throw new IndexOutOfBoundsException("(" + x + ", " + y + ") outside " + width + "x" + height);
        }
        return labels[y * width + x] & 0xffff;
    }

    /** A copy of the labels (unsigned 16-bit, row-major). */
    @Override
    public short[] labels() {
        return labels.clone();
    }

    /** A copy of the histogram: {@code histogram()[c]} pixels have label c; the counts sum to width * height. */
    @Override
    public long[] histogram() {
        return histogram.clone();
    }

    public long count(int label) {
        return histogram[label];
    }

    /** Fraction of pixels with this label. */
    public double fraction(int label) {
        return histogram[label] / (double) labels.length;
    }

    /** Nearest-neighbour resize (pixel centres aligned, as for a mask drawn over the resized frame). */
    public LabelMap resized(int newWidth, int newHeight) {
        if (newWidth <= 0 || newHeight <= 0) throw new IllegalArgumentException("empty size " + newWidth + "x" + newHeight);
        if (newWidth == width && newHeight == height) return this;
        int[] srcX = new int[newWidth];
        for (int x = 0; x < newWidth; x++) srcX[x] = (int) Math.min(width - 1, ((2L * x + 1) * width) / (2L * newWidth));
        short[] out = new short[Math.multiplyExact(newWidth, newHeight)];
        for (int y = 0; y < newHeight; y++) {
            int sy = (int) Math.min(height - 1, ((2L * y + 1) * height) / (2L * newHeight));
            int srow = sy * width, drow = y * newWidth;
            for (int x = 0; x < newWidth; x++) out[drow + x] = labels[srow + srcX[x]];
        }
        return new LabelMap(newWidth, newHeight, numClasses, out, null);
    }

    /** Gray value per label step in the PNG (see the class comment). */
    public int pngStep() {
        return pngStep(numClasses);
    }

    static int pngStep(int numClasses) {
        if (numClasses > 256) return 1;
        return numClasses <= 1 ? 255 : 255 / (numClasses - 1);
    }

    /** The mask as PNG bytes (see the class comment for the gray values). */
    public byte[] png() {
        BufferedImage img;
        if (numClasses <= 256) {
            img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            int step = pngStep();
            for (int i = 0; i < px.length; i++) px[i] = (byte) ((labels[i] & 0xffff) * step);
        } else {
            img = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
            short[] px = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
            System.arraycopy(labels, 0, px, 0, px.length);
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) throw new IllegalStateException("no PNG writer in javax.imageio");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        // in memory: ImageIO.write(img, "png", stream) may buffer through temporary files
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(img);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** {@link #png()} in base64 (RFC 4648, no line breaks), as it goes into the result JSON. */
    public String pngBase64() {
        return Base64.getEncoder().encodeToString(png());
    }

    /** Reads a mask written by {@link #png()} back, given the number of classes it was written with. */
    public static LabelMap fromPng(byte[] png, int numClasses) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) throw new IOException("not a readable image");
        int w = img.getWidth(), h = img.getHeight();
        int bits = img.getColorModel().getComponentSize(0);
        if (img.getColorModel().getNumComponents() != 1) throw new IOException("not a grayscale mask");
        int step = pngStep(numClasses);
        if ((numClasses <= 256 ? 8 : 16) != bits) {
            throw new IOException(bits + "-bit gray does not fit a mask of " + numClasses + " classes");
        }
        short[] labels = new short[Math.multiplyExact(w, h)];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRaster().getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int v = row[x];
                if (v % step != 0 || v / step >= numClasses) {
                    throw new IOException("gray " + v + " at (" + x + ", " + y + ") is no label of a " + numClasses
                            + "-class mask (step " + step + ")");
                }
                labels[y * w + x] = (short) (v / step);
            }
        }
        return of(w, h, numClasses, labels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMap m && width == m.width && height == m.height && numClasses == m.numClasses
                && Arrays.equals(labels, m.labels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + numClasses) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "LabelMap[" + width + "x" + height + ", " + numClasses + " classes, histogram "
                + Arrays.toString(histogram) + "]";
    }

    private static long[] count(short[] labels, int numClasses) {
        long[] h = new long[numClasses];
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i] & 0xffff;
            if (v >= numClasses) {
                throw new IllegalArgumentException("label " + v + " at index " + i + " outside 0.." + (numClasses - 1));
            }
            h[v]++;
        }
        return h;
    }
}
