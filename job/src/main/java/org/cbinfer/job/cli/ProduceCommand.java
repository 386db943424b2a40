package org.cbinfer.job.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.replay.CameraReplay;
import org.cbinfer.connectors.video.VideoSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code produce}: replays video files as cameras to a Kafka topic in the frame contract (key = camera
 * id, value = image, headers = sequence, capture time, encoding, size). See {@link CameraReplay}.
 *
 * <p>A {@code --video} may be a network stream (any URL FFmpeg opens): such a camera reads it live and,
 * when it drops or ends, reconnects with exponential back-off, its frame sequence going on.
 *
 * <p>Creates nothing on the broker unless {@code --create-topic PARTITIONS} is given (then only the
 * topic, if missing). Ctrl-C stops the cameras, flushes what was sent and prints the summary.
 */
@Command(name = "produce", header = "Replay videos as cameras to a Kafka topic (the frames the job reads).",
        description = {
        "Replay videos as cameras cam-0, cam-1, ... to a Kafka topic in the frame contract (key = camera id, value = the"
                + " encoded image, headers = sequence, capture time, encoding, size); camera i plays video i mod #videos."
                + " Ctrl-C stops the cameras, flushes what was sent and prints the summary."})
public final class ProduceCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    private String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "frames",
            description = "frames topic; must exist unless --create-topic is given (default: ${DEFAULT-VALUE})")
    private String topic;

    @Option(names = "--video", paramLabel = "FILE[,FILE...]|URL",
            description = "video file(s), repeatable or comma-separated, or a stream FFmpeg opens (rtsp://, http://, ...): read"
                    + " live, reconnected with back-off (0.5 s doubling to 30 s) whenever it drops or ends (default: the"
                    + " sample data's video/vtest.avi)")
    private List<String> videos = new ArrayList<>();

    @Option(names = "--cameras", paramLabel = "N", defaultValue = "1", description = "number of cameras, 1..10000 (default: ${DEFAULT-VALUE})")
    private int cameras;

    @Option(names = "--start-offset", paramLabel = "N|N0,N1,...|spread",
            description = "first frame: one value for all cameras, one per camera, or 'spread' to spread the cameras of a video"
                    + " evenly over it (default: 0)")
    private String startOffset;

    @Option(names = "--fps", paramLabel = "F",
            description = "frames per second per camera, 0 = as fast as possible (default: the video's rate)")
    private Float fps;

    @Option(names = "--loop", description = "start over at the end of the video, until --frames or Ctrl-C (default: play once)")
    private boolean loop;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "0",
            description = "frames per camera, 0 = to the end of the video (default: ${DEFAULT-VALUE})")
    private int frames;

    @Option(names = "--encoding", paramLabel = "jpeg|png|rgb24|gray8", defaultValue = "jpeg",
            description = "frame encoding; raw frames need a broker that accepts their size (default: ${DEFAULT-VALUE})")
    private String encoding;

    @Option(names = "--quality", paramLabel = "Q", description = "JPEG quality 0..100 (default: 90)")
    private Integer quality;

    @Option(names = "--resize", paramLabel = "WxH", description = "scale frames to WxH (default: the video's size)")
    private ImageSize resize;

    @Option(names = "--progress", paramLabel = "SECONDS", defaultValue = "1",
            description = "seconds between progress lines, 0 = summary only (default: ${DEFAULT-VALUE})")
    private float progress;

    @Option(names = "--create-topic", paramLabel = "PARTITIONS",
            description = "create the topic with this many partitions if it is missing (default: create nothing)")
    private Integer createTopic;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "a Kafka producer property, repeatable, e.g. --property security.protocol=SSL (default: none)")
    private List<String> properties = new ArrayList<>();

    public ProduceCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        CameraReplay replay = new CameraReplay(options());
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            replay.stop();
            try {
                finished.await(15, TimeUnit.SECONDS); // let run() flush and print its summary
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "cbinfer-produce-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            CameraReplay.Summary s = replay.run(out);
            return s.ok() ? 0 : 1;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it only waits for the latch released above
            }
        }
    }

    /** The replay the options ask for. */
    CameraReplay.Options options() {
        CameraReplay.Builder b = CameraReplay.Options.builder(bootstrap, topic);
        List<VideoSource> sources = new ArrayList<>();
        for (String v : videos) {
            // a URL may contain commas: only file lists are split
            for (String f : v.contains("://") ? new String[] {v} : v.split(",")) {
                if (!f.isBlank()) sources.add(VideoSource.of(f.strip()));
            }
        }
        if (sources.isEmpty()) sources.add(VideoSource.file(DataPaths.resolve("video/vtest.avi")));
        sources.forEach(b::source);

        if (cameras < 1 || cameras > 10_000) throw new UsageException("--cameras expects 1..10000, got " + cameras);
        b.cameras(cameras);

        if (startOffset != null) {
            if (startOffset.equalsIgnoreCase("spread")) {
                b.spread();
            } else {
                b.startOffsets(startOffsets());
            }
        }

        if (fps != null) {
            if (!(fps >= 0) || Float.isInfinite(fps)) throw new UsageException("--fps expects a number >= 0, got " + fps);
            b.fps(fps);
        }
        b.loop(loop);

        FrameEncoding encoding = FrameEncoding.fromId(this.encoding);
        if (encoding == null) throw new UsageException("--encoding is jpeg, png, rgb24 or gray8, got '" + this.encoding + "'");
        b.encoding(encoding);
        if (quality != null) {
            if (encoding != FrameEncoding.JPEG) throw new UsageException("--quality applies to --encoding jpeg only");
            if (quality < 0 || quality > 100) throw new UsageException("--quality expects 0..100, got " + quality);
            b.quality(quality);
        }
        if (resize != null) b.resize(resize.width(), resize.height());

        if (frames < 0) throw new UsageException("--frames expects a count >= 0, got " + frames);
        b.frames(frames);

        if (!(progress >= 0) || progress > 86_400) throw new UsageException("--progress expects seconds >= 0, got " + progress);
        b.progressInterval(Duration.ofMillis(Math.round(progress * 1000.0)));

        if (createTopic != null && createTopic < 1) {
            throw new UsageException("--create-topic expects a partition count >= 1, got " + createTopic);
        }
        b.createTopic(createTopic == null ? 0 : createTopic);

        for (String p : properties) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new UsageException("--property expects KEY=VALUE, got '" + p + "'");
            b.producerProperty(p.substring(0, eq).strip(), p.substring(eq + 1));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private List<Long> startOffsets() {
        List<Long> list = new ArrayList<>();
        for (String o : startOffset.split(",")) {
            try {
                long v = Long.parseLong(o.strip());
                if (v < 0) throw new NumberFormatException();
                list.add(v);
            } catch (NumberFormatException e) {
                throw new UsageException("--start-offset expects frame numbers >= 0 or 'spread', got '" + startOffset + "'");
            }
        }
        if (list.size() > 1 && list.size() != cameras) {
            throw new UsageException("--start-offset has " + list.size() + " values for " + cameras
                    + " cameras: give one for all cameras or one per camera");
        }
        return list;
    }
}
