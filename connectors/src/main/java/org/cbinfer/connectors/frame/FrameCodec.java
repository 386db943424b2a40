package org.cbinfer.connectors.frame;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Turns frame payloads into RGB24 pixels and back.
 *
 * <p>Decoding never trusts a size: a raw frame's declared {@code width x height} is checked against the
 * {@link FrameLimits} and against the payload length, and a JPEG's or PNG's size is read from the
 * image's own header (ImageIO's {@code getWidth}/{@code getHeight}, which parse the header only) and
 * checked against the limits and any declared size, all before a pixel buffer is allocated. Decoder
 * warnings (libjpeg's "Premature end of JPEG file", "Corrupt JPEG data: ...") count as corruption: the
 * pixels would not be those the camera sent.
 *
 * <p>ImageIO runs on in-memory streams only (no disk cache). Stateless and thread-safe.
 */
@PublicEvolving
public final class FrameCodec {
    /** JPEG quality used when none is given. */
    public static final int DEFAULT_JPEG_QUALITY = 90;

    private FrameCodec() {}

    // ------------------------------------------------------------------ probing

    /**
     * The size of the image in {@code payload}, checked, without decoding pixels: for raw encodings the
     * declared size (checked against the limits and the payload length), for JPEG/PNG the size in the
     * image header (checked against the limits, and against the declared size when one is given).
     *
     * @param declaredWidth  the size the producer declared, or 0 when none (required for raw encodings)
     * @return {width, height}
     */
    public static int[] probe(FrameEncoding encoding, byte[] payload, int declaredWidth, int declaredHeight,
                              FrameLimits limits) throws FrameException {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(limits, "limits");
        if (payload == null || payload.length == 0) {
            throw new FrameException(FrameProblem.EMPTY_PAYLOAD, "the frame has no image bytes");
        }
        boolean declared = declaredWidth != 0 || declaredHeight != 0;
        if (declared) limits.check(declaredWidth, declaredHeight, "declared");
        if (encoding.isRaw()) {
            if (!declared) {
                throw new FrameException(FrameProblem.MISSING_HEADER, encoding.id() + " frames need a declared width and height");
            }
            long need = (long) declaredWidth * declaredHeight * encoding.rawBytesPerPixel();
            if (payload.length != need) {
                throw new FrameException(FrameProblem.SIZE_MISMATCH, encoding.id() + " frame " + declaredWidth + "x"
                        + declaredHeight + " needs " + need + " bytes, the payload has " + payload.length);
            }
            return new int[] {declaredWidth, declaredHeight};
        }
        ImageReader reader = reader(encoding);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(payload))) {
            reader.setInput(in, true, true);
            return headerSize(reader, encoding, payload, declaredWidth, declaredHeight, limits);
        } catch (IOException e) {
            throw new FrameException(FrameProblem.INTERNAL, "closing an in-memory stream failed: " + e, e);
        } finally {
            reader.dispose();
        }
    }

    /** {@link #probe} on a frame's own encoding, payload and size. */
    public static int[] probe(FrameRecord frame, FrameLimits limits) throws FrameException {
        return probe(frame.encoding(), frame.payload(), frame.width(), frame.height(), limits);
    }

    // ------------------------------------------------------------------ decoding

    /**
     * The pixels of {@code payload} as RGB24. Raw RGB24 payloads are returned without copying; GRAY8 is
     * expanded to R = G = B.
     *
     * @param declaredWidth the declared size, or 0 when none (required for raw encodings)
     */
    public static RgbImage decode(FrameEncoding encoding, byte[] payload, int declaredWidth, int declaredHeight,
                                  FrameLimits limits) throws FrameException {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(limits, "limits");
        if (encoding.isRaw()) {
            int[] size = probe(encoding, payload, declaredWidth, declaredHeight, limits);
            if (encoding == FrameEncoding.RGB24) return new RgbImage(size[0], size[1], payload);
            return new RgbImage(size[0], size[1], grayToRgb(payload));
        }
        if (payload == null || payload.length == 0) {
            throw new FrameException(FrameProblem.EMPTY_PAYLOAD, "the frame has no image bytes");
        }
        if (declaredWidth != 0 || declaredHeight != 0) limits.check(declaredWidth, declaredHeight, "declared");
        ImageReader reader = reader(encoding);
        List<String> warnings = new ArrayList<>(1);
        reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(payload))) {
            reader.setInput(in, true, true);
            int[] size = headerSize(reader, encoding, payload, declaredWidth, declaredHeight, limits);
            BufferedImage image;
            try {
                image = reader.read(0);
            } catch (IIOException e) {
                throw imageError(encoding, payload, e);
            } catch (IOException | RuntimeException e) {
                // EOFException, IndexOutOfBounds & co. from truncated or crafted streams
                throw new FrameException(FrameProblem.CORRUPT_IMAGE, encoding.id() + " image of " + payload.length
                        + " bytes is truncated or corrupt (" + e + ")", e);
            }
            if (!warnings.isEmpty()) {
                throw new FrameException(FrameProblem.CORRUPT_IMAGE, encoding.id() + " image of " + payload.length
                        + " bytes is damaged: " + String.join("; ", warnings));
            }
            if (image.getWidth() != size[0] || image.getHeight() != size[1]) {
                throw new FrameException(FrameProblem.CORRUPT_IMAGE, encoding.id() + " header says " + size[0] + "x"
                        + size[1] + " but the decoder produced " + image.getWidth() + "x" + image.getHeight());
            }
            return new RgbImage(size[0], size[1], toRgb(image));
        } catch (IOException e) {
            throw new FrameException(FrameProblem.INTERNAL, "closing an in-memory stream failed: " + e, e);
        } finally {
            reader.dispose();
        }
    }

    /** A frame's pixels as RGB24. */
    public static RgbImage decode(FrameRecord frame, FrameLimits limits) throws FrameException {
        return decode(frame.encoding(), frame.payload(), frame.width(), frame.height(), limits);
    }

    /** The frame with its payload decoded to RGB24 (metadata and source kept). */
    public static FrameRecord toRgb24(FrameRecord frame, FrameLimits limits) throws FrameException {
        if (frame.encoding() == FrameEncoding.RGB24) return frame;
        RgbImage img = decode(frame, limits);
        return frame.withImage(FrameEncoding.RGB24, img.width(), img.height(), img.rgb());
    }

    // ------------------------------------------------------------------ encoding

    /** Encodes RGB24 pixels; JPEG at {@link #DEFAULT_JPEG_QUALITY}. */
    public static byte[] encode(RgbImage image, FrameEncoding encoding) {
        return encode(image, encoding, DEFAULT_JPEG_QUALITY);
    }

    /**
     * Encodes RGB24 pixels as {@code encoding}: JPEG (baseline, 4:2:0, {@code quality} 0..100), PNG
     * (8-bit RGB, lossless), RGB24 (the same array, not copied) or GRAY8 (BT.601 luma,
     * {@code (77 R + 150 G + 29 B + 128) >> 8}).
     */
    public static byte[] encode(RgbImage image, FrameEncoding encoding, int quality) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(encoding, "encoding");
        if (quality < 0 || quality > 100) throw new IllegalArgumentException("JPEG quality is 0..100, got " + quality);
        return switch (encoding) {
            case RGB24 -> image.rgb();
            case GRAY8 -> rgbToGray(image.rgb());
            case PNG -> write(image, "png", -1);
            case JPEG -> write(image, "jpeg", quality);
        };
    }

    // ------------------------------------------------------------------ internals

    private static ImageReader reader(FrameEncoding encoding) throws FrameException {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(encoding.id());
        if (!it.hasNext()) throw new FrameException(FrameProblem.INTERNAL, "no ImageIO reader for " + encoding.id());
        return it.next();
    }

    /** Reads the size from the image header and checks it; nothing of the pixel data is read. */
    private static int[] headerSize(ImageReader reader, FrameEncoding encoding, byte[] payload, int declaredWidth,
                                    int declaredHeight, FrameLimits limits) throws FrameException {
        int w, h;
        try {
            if (reader.getNumImages(false) == 0) {
                throw new FrameException(FrameProblem.CORRUPT_IMAGE, "not a " + encoding.id() + " image ("
                        + DeadLetter.printable(prefix(payload)) + ")");
            }
            w = reader.getWidth(0);
            h = reader.getHeight(0);
        } catch (IIOException e) {
            throw imageError(encoding, payload, e);
        } catch (IOException | RuntimeException e) {
            throw new FrameException(FrameProblem.CORRUPT_IMAGE, "cannot read the " + encoding.id() + " header of "
                    + payload.length + " bytes (" + e + ")", e);
        }
        limits.check(w, h, encoding.id() + " header");
        if ((declaredWidth != 0 || declaredHeight != 0) && (w != declaredWidth || h != declaredHeight)) {
            throw new FrameException(FrameProblem.SIZE_MISMATCH, "declared size " + declaredWidth + "x" + declaredHeight
                    + " but the " + encoding.id() + " header says " + w + "x" + h);
        }
        return new int[] {w, h};
    }

    private static FrameException imageError(FrameEncoding encoding, byte[] payload, IIOException e) {
        String msg = String.valueOf(e.getMessage());
        if (e.getCause() != null) msg += " (" + e.getCause() + ")";
        if (msg.contains("Maximum supported image dimension")) { // libjpeg's own limit, 65500
            return new FrameException(FrameProblem.TOO_LARGE, encoding.id() + " header size exceeds the decoder's limit: " + msg, e);
        }
        FrameProblem p = msg.contains("Unsupported") ? FrameProblem.UNSUPPORTED_IMAGE : FrameProblem.CORRUPT_IMAGE;
        String what = p == FrameProblem.UNSUPPORTED_IMAGE ? "unsupported " : "not a valid ";
        return new FrameException(p, what + encoding.id() + " image (" + payload.length + " bytes starting "
                + DeadLetter.printable(prefix(payload)) + "): " + msg, e);
    }

    private static byte[] prefix(byte[] b) {
        return java.util.Arrays.copyOf(b, Math.min(b.length, 8));
    }

    /** RGB24 bytes of any decoded image; BGR buffers are swapped in place and handed out, not copied. */
    static byte[] toRgb(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        int type = image.getType();
        if ((type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_BYTE_GRAY
                || type == BufferedImage.TYPE_4BYTE_ABGR) && image.getRaster().getDataBuffer() instanceof DataBufferByte db
                && db.getNumBanks() == 1 && image.getRaster().getParent() == null) {
            byte[] data = db.getData();
            if (type == BufferedImage.TYPE_3BYTE_BGR && data.length == w * h * 3) {
                for (int i = 0; i < data.length; i += 3) {
                    byte b = data[i];
                    data[i] = data[i + 2];
                    data[i + 2] = b;
                }
                return data;
            }
            if (type == BufferedImage.TYPE_BYTE_GRAY && data.length == w * h) return grayToRgb(data);
            if (type == BufferedImage.TYPE_4BYTE_ABGR && data.length == w * h * 4) {
                byte[] rgb = new byte[w * h * 3];
                for (int i = 0, o = 0; o < rgb.length; i += 4, o += 3) { // alpha dropped
                    rgb[o] = data[i + 3];
                    rgb[o + 1] = data[i + 2];
                    rgb[o + 2] = data[i + 1];
                }
                return rgb;
            }
        }
        // Palette, 16-bit, custom layouts: through the colour model, a row at a time (alpha dropped).
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                int p = row[x];
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return rgb;
    }

    static byte[] grayToRgb(byte[] gray) {
        byte[] rgb = new byte[gray.length * 3];
        for (int i = 0, o = 0; i < gray.length; i++, o += 3) {
            byte g = gray[i];
            rgb[o] = g;
            rgb[o + 1] = g;
            rgb[o + 2] = g;
        }
        return rgb;
    }

    static byte[] rgbToGray(byte[] rgb) {
        byte[] gray = new byte[rgb.length / 3];
        for (int i = 0, o = 0; o < gray.length; i += 3, o++) {
            gray[o] = (byte) ((77 * (rgb[i] & 0xff) + 150 * (rgb[i + 1] & 0xff) + 29 * (rgb[i + 2] & 0xff) + 128) >> 8);
        }
        return gray;
    }

    private static byte[] write(RgbImage image, String format, int quality) {
        int w = image.width(), h = image.height();
        BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        byte[] src = image.rgb();
        for (int i = 0; i < src.length; i += 3) {
            dst[i] = src[i + 2];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i];
        }
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(format);
        if (!it.hasNext()) throw new IllegalStateException("no ImageIO writer for " + format);
        ImageWriter writer = it.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(format.equals("png") ? src.length / 2 : src.length / 8);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (quality >= 0) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
            }
            writer.write(null, new IIOImage(bgr, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("encoding " + format + " in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
