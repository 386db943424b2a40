package org.cbinfer.connectors.replay;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.connectors.kafka.contract.FrameHeaders;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;
import org.cbinfer.connectors.video.FrameReader;
import org.cbinfer.connectors.video.RawVideo;
import org.cbinfer.connectors.video.ReconnectingVideoReader;
import org.cbinfer.connectors.video.VideoException;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.connectors.video.VideoSource;

/**
 * Replays video files as cameras to a Kafka topic, in the {@link FrameHeaders frame contract}: the
 * engine of {@code cbinfer produce}. A video is decoded by FFmpeg; a file of raw RGB24 frames
 * ({@link VideoSource#raw}) is sent as it is, without FFmpeg (it has no frame rate: give {@code fps}).
 *
 * <p>Camera {@code i} is named {@code <prefix>i} ({@code cam-0}, {@code cam-1}, ...), plays video
 * {@code i mod videos}, from its start offset, at {@code fps} frames per second (0: as fast as
 * possible), and stops after {@code frames} frames or at the end of the video (with {@code loop}, it
 * starts over from frame 0 and goes on until {@code frames} or {@link #stop()}). Each camera runs on a
 * thread of its own and sends its frames in order with sequence numbers 0, 1, 2, ...; the capture time
 * is the wall clock when the frame was taken from the video. A camera that falls behind its pace does
 * not burst to catch up (a camera does not either): frames are never closer than one period.
 *
 * <p>Creates nothing on the broker unless {@link Options#createPartitions} is set: a missing topic is
 * an error (the broker's auto-creation is never triggered, as the topic is looked up first).
 * The producer is idempotent with {@code acks=all}, so a camera's frames are not reordered or
 * duplicated by retries.
 */
@PublicEvolving
public final class CameraReplay {

    /**
     * What to replay and where.
     *
     * @param bootstrapServers  Kafka bootstrap servers
     * @param topic             the frames topic
     * @param videos            video files or network streams ({@code rtsp://}, {@code http://}, ...: read live from
     *                          where they are, reconnected with back-off when they drop); camera {@code i} plays
     *                          {@code videos[i % size]}
     * @param cameras           number of cameras, at least 1
     * @param startOffsets      first frame per camera: empty (all 0), one value (all cameras), or one per camera
     * @param spread            instead of startOffsets: the cameras of a video start evenly spread over it
     * @param fps               frames per second per camera; 0 = as fast as possible; negative = the first video's own
     *                          rate (a stream: as fast as it delivers)
     * @param loop              start over at the end of the video
     * @param encoding          how frames are encoded
     * @param quality           JPEG quality 0..100
     * @param resizeWidth       scale frames to this width (0 = keep the video's size)
     * @param resizeHeight      scale frames to this height (0 = keep)
     * @param frames            frames per camera; 0 = no limit (the video's end, or forever with loop)
     * @param progressInterval  progress line every so often; zero = only the summary
     * @param cameraPrefix      camera ids are this prefix and the camera's number
     * @param createPartitions  create the topic with this many partitions if it is missing (0 = never create)
     * @param producerProperties extra Kafka producer properties
     */
    public record Options(String bootstrapServers, String topic, List<VideoSource> videos, int cameras, List<Long> startOffsets,
                          boolean spread, double fps, boolean loop, FrameEncoding encoding, int quality,
                          int resizeWidth, int resizeHeight, long frames, Duration progressInterval, String cameraPrefix,
                          int createPartitions, Map<String, String> producerProperties) {
        public Options {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topic, "topic");
            videos = List.copyOf(videos);
            startOffsets = List.copyOf(startOffsets);
            Objects.requireNonNull(encoding, "encoding");
            Objects.requireNonNull(progressInterval, "progressInterval");
            Objects.requireNonNull(cameraPrefix, "cameraPrefix");
            producerProperties = Map.copyOf(producerProperties);
            if (videos.isEmpty()) throw new IllegalArgumentException("no video to replay");
            if (cameras < 1) throw new IllegalArgumentException("cameras must be at least 1, got " + cameras);
            if (startOffsets.size() > 1 && startOffsets.size() != cameras) {
                throw new IllegalArgumentException(startOffsets.size() + " start offsets for " + cameras
                        + " cameras: give one for all or one per camera");
            }
            if (spread && !startOffsets.isEmpty()) throw new IllegalArgumentException("give start offsets or spread, not both");
            for (long o : startOffsets) if (o < 0) throw new IllegalArgumentException("negative start offset " + o);
            if (Double.isNaN(fps) || Double.isInfinite(fps)) throw new IllegalArgumentException("fps must be a number, got " + fps);
            if (quality < 0 || quality > 100) throw new IllegalArgumentException("quality is 0..100, got " + quality);
            if (resizeWidth < 0 || resizeHeight < 0 || (resizeWidth == 0) != (resizeHeight == 0)) {
                throw new IllegalArgumentException("bad resize " + resizeWidth + "x" + resizeHeight);
            }
            for (VideoSource v : videos) {
                if (v.isRaw() && resizeWidth > 0 && (resizeWidth != v.raw().width() || resizeHeight != v.raw().height())) {
                    throw new IllegalArgumentException(v + ": raw frames are replayed at their size " + v.raw().width() + "x"
                            + v.raw().height() + ", not resized to " + resizeWidth + "x" + resizeHeight);
                }
            }
            if (fps < 0 && videos.get(0).isRaw()) {
                throw new IllegalArgumentException(videos.get(0) + ": raw frames carry no frame rate; give fps (0: as fast as possible)");
            }
            if (frames < 0) throw new IllegalArgumentException("negative frame count " + frames);
            if (createPartitions < 0) throw new IllegalArgumentException("negative partition count " + createPartitions);
        }

        /** Defaults: one camera, start 0, the video's own frame rate... see {@link Builder}. */
        public static Builder builder(String bootstrapServers, String topic) {
            return new Builder(bootstrapServers, topic);
        }
    }

    /** Options with defaults: 1 camera, offsets 0, fps = the video's rate, JPEG q90, 1 s progress. */
    public static final class Builder {
        private final String bootstrapServers;
        private final String topic;
        private final List<VideoSource> videos = new ArrayList<>();
        private int cameras = 1;
        private List<Long> startOffsets = List.of();
        private boolean spread;
        private double fps = -1;
        private boolean loop;
        private FrameEncoding encoding = FrameEncoding.JPEG;
        private int quality = FrameCodec.DEFAULT_JPEG_QUALITY;
        private int resizeWidth;
        private int resizeHeight;
        private long frames;
        private Duration progress = Duration.ofSeconds(1);
        private String cameraPrefix = "cam-";
        private int createPartitions;
        private final Map<String, String> producerProperties = new LinkedHashMap<>();

        private Builder(String bootstrapServers, String topic) {
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
        }

        public Builder video(Path video) { videos.add(VideoSource.file(video)); return this; }
        /** A file or a network stream. */
        public Builder source(VideoSource source) { videos.add(source); return this; }
        public Builder cameras(int n) { cameras = n; return this; }
        public Builder startOffsets(List<Long> offsets) { startOffsets = offsets; spread = false; return this; }
        public Builder spread() { spread = true; startOffsets = List.of(); return this; }
        /** Frames per second per camera, 0 = as fast as possible; default: the (first) video's own rate. */
        public Builder fps(double fps) { this.fps = fps; return this; }
        public Builder loop(boolean loop) { this.loop = loop; return this; }
        public Builder encoding(FrameEncoding e) { encoding = e; return this; }
        public Builder quality(int q) { quality = q; return this; }
        public Builder resize(int w, int h) { resizeWidth = w; resizeHeight = h; return this; }
        public Builder frames(long n) { frames = n; return this; }
        public Builder progressInterval(Duration d) { progress = d; return this; }
        public Builder cameraPrefix(String p) { cameraPrefix = p; return this; }
        public Builder createTopic(int partitions) { createPartitions = partitions; return this; }
        public Builder producerProperty(String k, String v) { producerProperties.put(k, v); return this; }

        public Options build() {
            return new Options(bootstrapServers, topic, videos, cameras, startOffsets, spread, fps, loop, encoding, quality,
                    resizeWidth, resizeHeight, frames, progress, cameraPrefix, createPartitions, producerProperties);
        }
    }

    /** What one camera sent. */
    public record CameraSummary(String cameraId, VideoSource video, long startOffset, long framesSent, long bytesSent) {}

    /**
     * The outcome of a replay.
     *
     * @param error null when every camera finished (or was stopped) without a failure
     */
    public record Summary(List<CameraSummary> cameras, long framesSent, long bytesSent, double seconds, boolean stopped,
                          String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final Options options;
    private volatile PrintStream out = System.out;
    private volatile boolean stopRequested;
    private final AtomicReference<String> failure = new AtomicReference<>();

    public CameraReplay(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Asks the cameras to stop after the frame they are at; {@link #run} then flushes and returns. */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Replays until every camera is done, a send fails, or {@link #stop()}; prints progress lines and a
     * summary to {@code out}. Problems found before anything is sent (no such video, no such topic,
     * broker unreachable) throw; a failure while sending stops all cameras and is in the summary.
     */
    public Summary run(PrintStream out) throws Exception {
        Options o = options;
        List<Camera> cams = plan(o);
        checkTopic(o, out);
        this.out = out;
        double fps = o.fps >= 0 ? o.fps : cams.get(0).video.isStream() ? 0 : videoRate(cams.get(0).video.file());
        long periodNanos = fps > 0 ? Math.round(1e9 / fps) : 0;

        out.printf(Locale.ROOT, "producing %d camera%s to %s on %s: %s%s, %s, %s%n", cams.size(), cams.size() == 1 ? "" : "s",
                o.topic, o.bootstrapServers, o.encoding.id(), o.encoding == FrameEncoding.JPEG ? " q" + o.quality : "",
                fps > 0 ? String.format(Locale.ROOT, "%.2f fps per camera", fps) : "as fast as possible",
                (o.frames > 0 ? o.frames + " frames per camera" : "to the end of the video") + (o.loop ? ", looping" : ""));
        // streams: the camera's own pace, reconnected when they drop
        for (Camera c : cams) out.printf("  %s <- %s from frame %d%n", c.id, c.video, c.start);

        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(o),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Thread> threads = new ArrayList<>();
            for (Camera c : cams) {
                Thread t = new Thread(() -> c.play(producer, periodNanos), "cbinfer-camera-" + c.id);
                t.setDaemon(true);
                threads.add(t);
            }
            threads.forEach(Thread::start);
            long interval = o.progressInterval.toNanos();
            long nextReport = t0 + interval;
            long[] lastCounts = new long[cams.size()];
            long lastTime = t0;
            for (Thread t : threads) {
                while (t.isAlive()) {
                    long wait = interval > 0 ? Math.max(1, nextReport - System.nanoTime()) : TimeUnit.MILLISECONDS.toNanos(200);
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                    long now = System.nanoTime();
                    if (interval > 0 && now >= nextReport) {
                        out.println(progressLine(cams, lastCounts, now - t0, now - lastTime));
                        for (int i = 0; i < cams.size(); i++) lastCounts[i] = cams.get(i).acked.get();
                        lastTime = now;
                        nextReport = now + interval;
                    }
                }
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<CameraSummary> summaries = new ArrayList<>();
        long frames = 0, bytes = 0;
        for (Camera c : cams) {
            summaries.add(new CameraSummary(c.id, c.video, c.start, c.acked.get(), c.bytes.get()));
            frames += c.acked.get();
            bytes += c.bytes.get();
        }
        Summary s = new Summary(List.copyOf(summaries), frames, bytes, seconds, stopRequested, failure.get());
        printSummary(s, out);
        return s;
    }

    // ------------------------------------------------------------------ planning

    private List<Camera> plan(Options o) throws VideoException {
        Map<VideoSource, Long> counts = new LinkedHashMap<>();
        for (VideoSource v : o.videos) {
            if (v.isStream()) { // live: no length, and opening it here would only delay the camera
                counts.put(v, -1L);
                continue;
            }
            if (v.isRaw()) {
                counts.put(v, RawVideo.frameCount(v.file(), v.raw().width(), v.raw().height()));
                continue;
            }
            try (VideoReader r = VideoReader.open(v.file())) { // fails early on a missing or broken file
                counts.put(v, r.frameCount());
            }
        }
        List<Camera> cams = new ArrayList<>();
        for (int i = 0; i < o.cameras; i++) {
            VideoSource video = o.videos.get(i % o.videos.size());
            long start;
            if (o.spread) {
                long n = counts.get(video);
                if (n <= 0) throw new VideoException(video.toString(), "Cannot spread cameras: the video does not declare its frame count");
                int sharing = (o.cameras - 1 - i % o.videos.size()) / o.videos.size() + 1;
                start = n * (i / o.videos.size()) / sharing;
            } else {
                start = o.startOffsets.isEmpty() ? 0 : o.startOffsets.get(o.startOffsets.size() == 1 ? 0 : i);
            }
            if (video.isStream() && start > 0) {
                throw new VideoException(video.toString(), "A stream is read live from where it is: start offset " + start
                        + " of " + o.cameraPrefix + i + " cannot apply");
            }
            long n = counts.get(video);
            if (n > 0 && start >= n) {
                throw new VideoException(video.toString(), "Start offset " + start + " of " + o.cameraPrefix + i
                        + " is past the end: the video has " + n + " frames");
            }
            cams.add(new Camera(o.cameraPrefix + i, video, start));
        }
        return cams;
    }

    private static double videoRate(Path video) throws VideoException {
        try (VideoReader r = VideoReader.open(video)) {
            double rate = r.frameRate();
            return rate > 0 && rate < 1000 ? rate : 25;
        }
    }

    private static void checkTopic(Options o, PrintStream out) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        for (var e : o.producerProperties.entrySet()) {
            // security settings apply to the admin client too
            if (e.getKey().startsWith("security.") || e.getKey().startsWith("sasl.") || e.getKey().startsWith("ssl.")) {
                p.put(e.getKey(), e.getValue());
            }
        }
        try (Admin admin = Admin.create(p)) {
            try {
                TopicDescription d = admin.describeTopics(Set.of(o.topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(o.topic);
                out.printf("topic %s: %d partition%s%n", o.topic, d.partitions().size(), d.partitions().size() == 1 ? "" : "s");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw unreachable(o, e.getCause());
                if (o.createPartitions == 0) {
                    throw new IllegalStateException("topic '" + o.topic + "' does not exist on " + o.bootstrapServers
                            + "; create it (all frames of a camera go to one partition by key), or pass --create-topic PARTITIONS");
                }
                short replication = (short) Math.min(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
                admin.createTopics(Set.of(new NewTopic(o.topic, o.createPartitions, replication))).all().get(30, TimeUnit.SECONDS);
                out.printf("created topic %s: %d partitions, replication %d%n", o.topic, o.createPartitions, replication);
            } catch (TimeoutException e) {
                throw unreachable(o, e);
            }
        }
    }

    private static IllegalStateException unreachable(Options o, Throwable e) {
        return new IllegalStateException("cannot reach Kafka at " + o.bootstrapServers + ": " + e, e);
    }

    private static Properties producerProperties(Options o) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cbinfer-produce");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // raw frames are MBs; the broker's message.max.bytes still decides (the error says so)
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L << 20));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.putAll(o.producerProperties);
        return p;
    }

    // ------------------------------------------------------------------ cameras

    private final class Camera {
        final String id;
        final VideoSource video;
        final long start;
        final AtomicLong acked = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        Camera(String id, VideoSource video, long start) {
            this.id = id;
            this.video = video;
            this.start = start;
        }

        void play(KafkaProducer<byte[], byte[]> producer, long periodNanos) {
            Options o = options;
            long sequence = 0;
            long next = System.nanoTime();
            try (Feed feed = video.isStream() ? new StreamFeed() : new FileFeed()) {
                while (true) {
                    if (stopRequested || failure.get() != null || (o.frames > 0 && sequence >= o.frames)) break;
                    if (periodNanos > 0) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) LockSupport.parkNanos(wait);
                        if (stopRequested) break;
                    }
                    VideoFrame vf = feed.next();
                    if (vf == null) break;
                    send(producer, vf, sequence++);
                    // frames are never closer than a period; a late frame restarts the schedule
                    if (periodNanos > 0) next = Math.max(next + periodNanos, System.nanoTime());
                }
            } catch (VideoException e) {
                fail(id + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(id + ": interrupted");
            } catch (KafkaException e) {
                fail(id + ": " + e);
            } catch (RuntimeException e) {
                fail(id + ": unexpected " + e);
            }
        }

        private void send(KafkaProducer<byte[], byte[]> producer, VideoFrame vf, long sequence) {
            Options o = options;
            long captured = System.currentTimeMillis();
            byte[] payload = FrameCodec.encode(new RgbImage(vf.width(), vf.height(), vf.rgb()), o.encoding, o.quality);
            FrameRecord f = FrameRecord.of(id, sequence, captured, o.encoding, vf.width(), vf.height(), payload);
            int size = payload.length;
            producer.send(KafkaFrames.toProducerRecord(o.topic, f), (meta, e) -> {
                if (e == null) {
                    acked.incrementAndGet();
                    bytes.addAndGet(size);
                } else {
                    fail(e instanceof RecordTooLargeException
                            ? id + ": a frame of " + size + " bytes is larger than Kafka accepts (the broker's"
                            + " message.max.bytes or the topic's max.message.bytes): use --encoding jpeg,"
                            + " --resize, or raise the limit (" + e.getMessage() + ")"
                            : id + ": sending frame " + f.sequence() + " failed: " + e);
                }
            });
        }

        /** The camera's frames in order; null at the end. */
        private interface Feed extends AutoCloseable {
            VideoFrame next() throws VideoException, InterruptedException;

            @Override
            void close() throws VideoException;
        }

        /** A file from the start offset to its end, then (loop) from frame 0 again. */
        private final class FileFeed implements Feed {
            private FrameReader reader;
            private long from = start;

            @Override
            public VideoFrame next() throws VideoException {
                while (true) {
                    if (reader == null) reader = open();
                    VideoFrame f = reader.read();
                    if (f != null) return f;
                    close();
                    if (!options.loop) return null;
                    from = 0;
                }
            }

            /** Raw frames are read as they are (no FFmpeg involved); a video is decoded and resized by FFmpeg. */
            private FrameReader open() throws VideoException {
                if (video.isRaw()) return RawVideo.open(video.file(), video.raw().width(), video.raw().height(), from);
                VideoReader.Builder b = video.reader().from(from);
                if (options.resizeWidth > 0) b.resize(options.resizeWidth, options.resizeHeight);
                return b.build();
            }

            @Override
            public void close() throws VideoException {
                if (reader != null) {
                    FrameReader r = reader;
                    reader = null;
                    r.close();
                }
            }
        }

        /** A live stream, reopened with back-off whenever it drops or ends. */
        private final class StreamFeed implements Feed {
            private final ReconnectingVideoReader reader;

            StreamFeed() {
                ReconnectingVideoReader.Builder b = ReconnectingVideoReader.builder(video)
                        .stopWhen(() -> stopRequested || failure.get() != null)
                        .events(line -> out.println(id + ": " + line));
                if (options.resizeWidth > 0) b.resize(options.resizeWidth, options.resizeHeight);
                reader = b.build();
            }

            @Override
            public VideoFrame next() throws VideoException, InterruptedException {
                return reader.read();
            }

            @Override
            public void close() {
                reader.close();
            }
        }
    }

    private void fail(String message) {
        failure.compareAndSet(null, message);
    }

    // ------------------------------------------------------------------ output

    private static String progressLine(List<Camera> cams, long[] last, long elapsedNanos, long sinceNanos) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[%6.1fs]", elapsedNanos / 1e9));
        long total = 0, delta = 0, bytes = 0;
        for (int i = 0; i < cams.size(); i++) {
            long n = cams.get(i).acked.get();
            total += n;
            delta += n - last[i];
            bytes += cams.get(i).bytes.get();
            if (i < 8) {
                sb.append(String.format(Locale.ROOT, " %s %d (%.1f/s)", cams.get(i).id, n, (n - last[i]) / (sinceNanos / 1e9)));
            } else if (i == 8) {
                sb.append(" ...");
            }
        }
        return sb.append(String.format(Locale.ROOT, " | total %d frames, %.1f/s, %.1f MB", total, delta / (sinceNanos / 1e9),
                bytes / 1e6)).toString();
    }

    private static void printSummary(Summary s, PrintStream out) {
        for (CameraSummary c : s.cameras()) {
            out.printf(Locale.ROOT, "  %s: %d frames%s, %.1f MB, from %s frame %d%n", c.cameraId(), c.framesSent(),
                    c.framesSent() > 0 ? " (sequence 0.." + (c.framesSent() - 1) + ")" : "", c.bytesSent() / 1e6,
                    c.video().shortName(), c.startOffset());
        }
        out.printf(Locale.ROOT, "%s: %d frames, %.1f MB in %.1f s (%.1f frames/s)%n",
                s.error() != null ? "failed" : s.stopped() ? "stopped" : "done", s.framesSent(), s.bytesSent() / 1e6,
                s.seconds(), s.seconds() > 0 ? s.framesSent() / s.seconds() : 0);
        if (s.error() != null) out.println("error: " + s.error());
    }
}
