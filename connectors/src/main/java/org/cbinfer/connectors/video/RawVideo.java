package org.cbinfer.connectors.video;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A file of raw RGB24 frames of one size, back to back with no header (what {@code bench/decode_frames.py} and
 * {@code ffmpeg -pix_fmt rgb24 -f rawvideo} write): a video that needs no FFmpeg to read, for machines without its
 * natives. Frame {@code i} is the {@code i}-th block of {@code width * height * 3} bytes. Not thread-safe.
 *
 * <pre>{@code
 * try (RawVideo v = RawVideo.open(file, 385, 385, 100)) {
 *     for (VideoFrame f; (f = v.read()) != null; ) { ... }   // frames 100, 101, ... to the end
 * }
 * }</pre>
 */
@PublicEvolving
public final class RawVideo implements FrameReader {
    private final Path file;
    private final int width;
    private final int height;
    private final int frameBytes;
    private final long frameCount;
    private final InputStream in;
    private long next;

    private RawVideo(Path file, int width, int height, long from) throws VideoException {
        this.file = file;
        this.width = width;
        this.height = height;
        this.frameBytes = frameBytes(file, width, height);
        this.frameCount = frameCount(file, width, height);
        if (from < 0 || from > frameCount) {
            throw new VideoException(file.toString(), "Frame " + from + " is outside the " + frameCount + " frames of the file");
        }
        try {
            this.in = Files.newInputStream(file);
            in.skipNBytes(from * frameBytes);
        } catch (IOException e) {
            throw new VideoException(file.toString(), "Cannot read raw frames (" + e.getMessage() + ")", e);
        }
        this.next = from;
    }

    /** Opens {@code file} of {@code width x height} RGB24 frames at frame {@code from}. */
    public static RawVideo open(Path file, int width, int height, long from) throws VideoException {
        return new RawVideo(file, width, height, from);
    }

    /**
     * The number of frames in the file.
     *
     * @throws VideoException when the file cannot be read or is not a whole number of frames of that size
     */
    public static long frameCount(Path file, int width, int height) throws VideoException {
        long bytes;
        int frame = frameBytes(file, width, height);
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw new VideoException(file.toString(), "Cannot read raw frames (" + e + ")", e);
        }
        if (bytes == 0 || bytes % frame != 0) {
            throw new VideoException(file.toString(), bytes + " bytes is not a whole, non-zero number of " + width + "x"
                    + height + " RGB24 frames (" + frame + " bytes each)");
        }
        return bytes / frame;
    }

    private static int frameBytes(Path file, int width, int height) throws VideoException {
        long n = 3L * width * height;
        if (width <= 0 || height <= 0 || n > Integer.MAX_VALUE - 16) {
            throw new VideoException(file.toString(), "Bad raw frame size " + width + "x" + height);
        }
        return (int) n;
    }

    @Override
    public VideoFrame read() throws VideoException {
        if (next >= frameCount) return null;
        try {
            byte[] rgb = in.readNBytes(frameBytes);
            if (rgb.length != frameBytes) throw new IOException("the file ended inside frame " + next);
            return new VideoFrame(next++, width, height, rgb, 0);
        } catch (IOException e) {
            throw new VideoException(file.toString(), "Cannot read raw frame " + next + " (" + e.getMessage() + ")", e);
        }
    }

    public long frameCount() {
        return frameCount;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    @Override
    public void close() throws VideoException {
        try {
            in.close();
        } catch (IOException e) {
            throw new VideoException(file.toString(), "Cannot close (" + e.getMessage() + ")", e);
        }
    }
}
