package org.cbinfer.connectors.testing;

import java.util.ArrayList;
import java.util.List;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.testkit.TestData;

/** Real frames of {@code video/vtest.avi} (768x576), decoded once per test JVM. */
public final class VtestFrames {
    private static final int COUNT = 8;
    private static List<RgbImage> frames;

    private VtestFrames() {}

    /** The video file. */
    public static java.nio.file.Path path() {
        return TestData.file("video/vtest.avi");
    }

    /** Frame {@code i} (0..7; frames 0, 50, 100, ...: different content) as RGB24. */
    public static synchronized RgbImage frame(int i) {
        if (frames == null) {
            List<RgbImage> list = new ArrayList<>();
            try (VideoReader r = VideoReader.open(path())) {
                for (VideoFrame f; list.size() < COUNT && (f = r.read()) != null; ) {
                    if (f.index() % 50 == 0) list.add(new RgbImage(f.width(), f.height(), f.rgb()));
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot read " + path(), e);
            }
            frames = List.copyOf(list);
        }
        return frames.get(i);
    }

    public static int count() {
        return COUNT;
    }

    /** Peak signal-to-noise ratio of {@code b} against {@code a}, in dB (infinite when equal). */
    public static double psnr(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) throw new IllegalArgumentException("sizes differ");
        byte[] x = a.rgb(), y = b.rgb();
        double se = 0;
        for (int i = 0; i < x.length; i++) {
            int d = (x[i] & 0xff) - (y[i] & 0xff);
            se += d * d;
        }
        double mse = se / x.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** Bytes allocated so far by the current thread (HotSpot's per-thread counter). */
    public static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
