package org.cbinfer.job.cli.bench;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.RgbInput;

/**
 * Simulated static cameras from one video: camera {@code i} shows frames {@code from + i * spread + t} for
 * steps {@code t = 0 .. steps-1}, so all cameras see the same scene at different moments. The video is
 * decoded once, in order, and every source frame becomes one RGB image shared by the cameras that show
 * it; only the frames some camera still needs stay in memory (about {@code (cameras - 1) * spread + 1}).
 * Decoding happens here, outside whatever the caller times; the conversion to input values is the backend's
 * (timed: the GPU does it on the device).
 *
 * <p>Frames come from a video file (decoded with FFmpeg) or from a raw file of RGB24 frames already at the input
 * size, back to back from video frame 0: what {@code bench/device-run.sh} makes with OpenCV on the GPU machine,
 * where carrying FFmpeg's natives would not fit.
 */
public final class SimulatedCameras implements Closeable {
    private final Decoder reader;
    private final ImageTensors.Scale scale;
    private final long from;
    private final int steps;
    private final int cameras;
    private final int spread;
    private final TreeMap<Long, RgbInput> cache = new TreeMap<>();

    /** Frames in order from the first one a camera shows. */
    private interface Decoder extends Closeable {
        VideoFrame read() throws IOException;

        String source();
    }

    private SimulatedCameras(Decoder reader, ImageTensors.Scale scale, long from, int steps, int cameras, int spread) {
        this.reader = reader;
        this.scale = scale;
        this.from = from;
        this.steps = steps;
        this.cameras = cameras;
        this.spread = spread;
    }

    /**
     * @param from first frame of camera 0
     * @param steps frames per camera
     * @param video a video file, or a {@code .rgb} file of raw RGB24 frames at {@code width x height}
     * @param spread frames between the start offsets of neighbouring cameras; -1 spreads the cameras evenly over
     *     the video (at least 1 apart)
     */
    public static SimulatedCameras open(Path video, int width, int height, ImageTensors.Scale scale, long from, int steps,
                                    int cameras, int spread) throws IOException {
        boolean raw = video.getFileName().toString().endsWith(".rgb");
        long frameBytes = 3L * width * height;
        long length;
        if (raw) {
            length = Files.size(video) / frameBytes;
        } else {
            try (VideoReader probe = VideoReader.open(video)) {
                length = probe.frameCount();
            }
        }
        if (spread < 0) {
            spread = cameras == 1 || length < 0 ? 1 : (int) Math.max(1, (length - from - steps) / (cameras - 1));
        }
        long last = from + (long) (cameras - 1) * spread + steps;
        if (length >= 0 && last > length) {
            throw new UsageException(String.format("%s has %d frames: %d cameras %d frames apart showing %d frames "
                    + "from %d need %d; use fewer frames or cameras", video, length, cameras, spread, steps, from, last));
        }
        Decoder decoder = raw ? rawFrames(video, width, height, from) : decoded(video, width, height, from, last);
        return new SimulatedCameras(decoder, scale, from, steps, cameras, spread);
    }

    private static Decoder decoded(Path video, int width, int height, long from, long to) throws IOException {
        VideoReader reader = VideoReader.builder().path(video).range(from, to).resize(width, height).build();
        return new Decoder() {
            @Override
            public VideoFrame read() throws IOException {
                return reader.read();
            }

            @Override
            public String source() {
                return reader.source();
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /** RGB24 frames of exactly width x height, frame i at byte i * 3 * width * height. */
    private static Decoder rawFrames(Path file, int width, int height, long from) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        int frameBytes = 3 * width * height;
        return new Decoder() {
            long next = from;

            @Override
            public VideoFrame read() throws IOException {
                ByteBuffer b = ByteBuffer.allocate(frameBytes);
                while (b.hasRemaining()) {
                    if (ch.read(b, next * frameBytes + b.position()) < 0) return null;
                }
                return new VideoFrame(next++, width, height, b.array(), 0);
            }

            @Override
            public String source() {
                return file.toString();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    public int steps() {
        return steps;
    }

    public int cameras() {
        return cameras;
    }

    public int spread() {
        return spread;
    }

    /** Source frame index camera {@code camera} shows at step {@code step}. */
    public long sourceFrame(int camera, int step) {
        return from + (long) camera * spread + step;
    }

    /**
     * The inputs of every camera at a step, in camera order. Steps must be asked in increasing order; frames no
     * camera needs any more are dropped.
     */
    public List<RgbInput> step(int step) throws IOException {
        if (step < 0 || step >= steps) throw new IllegalArgumentException("step " + step + " outside 0.." + (steps - 1));
        cache.headMap(sourceFrame(0, step)).clear();
        List<RgbInput> inputs = new ArrayList<>(cameras);
        for (int c = 0; c < cameras; c++) inputs.add(frame(sourceFrame(c, step)));
        return inputs;
    }

    private RgbInput frame(long index) throws IOException {
        while (cache.isEmpty() || cache.lastKey() < index) {
            VideoFrame f = reader.read();
            if (f == null) throw new IOException(reader.source() + " ended before frame " + index);
            cache.put(f.index(), new RgbInput(f.rgb(), 0, f.width(), f.height(), scale));
        }
        RgbInput t = cache.get(index);
        if (t == null) throw new IOException(reader.source() + ": frame " + index + " was not decoded (have " + cache.firstKey() + ".." + cache.lastKey() + ")");
        return t;
    }

    @Override
    public void close() throws IOException {
        reader.close();
        cache.clear();
    }
}
