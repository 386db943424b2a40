package org.cbinfer.connectors.video;

import java.io.Closeable;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Reads a network stream ({@link VideoSource#isStream()}) as one endless sequence of frames: when the
 * stream cannot be opened, fails while decoding, or ends (a camera restarting, a server dropping the
 * connection), it closes it and opens it again after an exponential {@link BackOff}, until a frame comes
 * again, {@code stop} says so, or the back-off is exhausted. Frames are numbered 0, 1, 2, ... across
 * reconnections. What happens is reported, one line per event, to the {@code events} consumer.
 *
 * <p>Not thread-safe: one reader per camera thread.
 */
@PublicEvolving
public final class ReconnectingVideoReader implements Closeable {
    private static final long STOP_POLL_MILLIS = 100;

    private final VideoSource source;
    private final int width;
    private final int height;
    private final BackOff backOff;
    private final BooleanSupplier stop;
    private final Consumer<String> events;
    private VideoReader reader;
    private long next;
    private long connections;

    private ReconnectingVideoReader(Builder b) {
        this.source = b.source;
        this.width = b.width;
        this.height = b.height;
        this.backOff = b.backOff;
        this.stop = b.stop;
        this.events = b.events;
    }

    public static Builder builder(VideoSource source) {
        return new Builder(source);
    }

    /**
     * The next frame, reconnecting as often as needed; null once {@code stop} is true.
     *
     * @throws VideoException when the back-off is exhausted (the last error is the cause)
     */
    public VideoFrame read() throws VideoException, InterruptedException {
        while (!stop.getAsBoolean()) {
            String problem;
            VideoException cause = null;
            try {
                if (reader == null) open();
                VideoFrame f = reader.read();
                if (f != null) {
                    backOff.reset();
                    return new VideoFrame(next++, f.width(), f.height(), f.rgb(), f.timestampMicros());
                }
                problem = "stream ended";
            } catch (VideoException e) {
                cause = e;
                problem = e.getMessage();
            }
            closeReader();
            Duration wait = backOff.failed();
            if (backOff.exhausted()) {
                throw new VideoException(source.location(), "Giving up after " + backOff.failures()
                        + " failed attempts in a row (last: " + problem + ")", cause);
            }
            events.accept(source.shortName() + ": " + problem + "; reconnecting in " + wait.toMillis() + " ms (attempt "
                    + backOff.failures() + ")");
            sleep(wait);
        }
        return null;
    }

    /** How many times the stream was opened successfully (1 + reconnections). */
    public long connections() {
        return connections;
    }

    public VideoSource source() {
        return source;
    }

    @Override
    public void close() {
        closeReader();
    }

    private void open() throws VideoException {
        VideoReader.Builder b = source.reader();
        if (width > 0) b.resize(width, height);
        reader = b.build();
        connections++;
        if (connections > 1) events.accept(source.shortName() + ": reconnected (connection " + connections + ")");
    }

    private void closeReader() {
        if (reader == null) return;
        try {
            reader.close();
        } catch (VideoException ignored) {
            // the stream is being abandoned; the next open reports what is wrong
        }
        reader = null;
    }

    private void sleep(Duration d) throws InterruptedException {
        long until = System.nanoTime() + d.toNanos();
        while (!stop.getAsBoolean()) {
            long left = until - System.nanoTime();
            if (left <= 0) return;
            Thread.sleep(Math.min(STOP_POLL_MILLIS, Math.max(1, left / 1_000_000)));
        }
    }

    /** Source, size, back-off, stop condition and event sink of a {@link ReconnectingVideoReader}. */
    public static final class Builder {
        private final VideoSource source;
        private int width;
        private int height;
        private BackOff backOff = BackOff.forCameras();
        private BooleanSupplier stop = () -> false;
        private Consumer<String> events = e -> { };

        private Builder(VideoSource source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Scales frames to {@code width x height}. */
        public Builder resize(int width, int height) {
            if (width <= 0 || height <= 0) throw new IllegalArgumentException("resize needs a positive size, got " + width + "x" + height);
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder backOff(BackOff b) { backOff = Objects.requireNonNull(b); return this; }
        /** Checked between attempts and while waiting: true ends {@link #read()} with null. */
        public Builder stopWhen(BooleanSupplier s) { stop = Objects.requireNonNull(s); return this; }
        /** Receives one line per disconnection and reconnection. */
        public Builder events(Consumer<String> e) { events = Objects.requireNonNull(e); return this; }

        /** The reader; it connects on the first {@link #read()}. */
        public ReconnectingVideoReader build() {
            return new ReconnectingVideoReader(this);
        }
    }
}
