package org.cbinfer.job.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.replay.CameraReplay;
import org.cbinfer.connectors.video.VideoSource;

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
public final class ProduceCommand {
    public static final String USAGE = String.join("\n",
            "produce [--bootstrap HOST:PORT] [--topic NAME] [--video FILE[,FILE...]|URL]... [--cameras N]",
            "        [--start-offset N | N0,N1,... | spread] [--fps F] [--loop] [--frames N]",
            "        [--encoding jpeg|png|rgb24|gray8] [--quality Q] [--resize WxH]",
            "        [--progress SECONDS] [--create-topic PARTITIONS] [--property KEY=VALUE]...",
            "  replays videos as cameras cam-0, cam-1, ... to a Kafka topic (camera i plays video i mod #videos)",
            "  --bootstrap     Kafka bootstrap servers (default localhost:9092)",
            "  --topic         frames topic (default frames); must exist unless --create-topic is given",
            "  --video         video file(s), repeatable or comma-separated (default: the sample vtest.avi), or a",
            "                  stream FFmpeg opens (rtsp://, http://, ...): read live, reconnected with back-off",
            "                  (0.5 s doubling to 30 s) whenever it drops or ends",
            "  --cameras       number of cameras (default 1)",
            "  --start-offset  first frame: one value for all cameras, one per camera, or 'spread' to spread",
            "                  the cameras of a video evenly over it (default 0)",
            "  --fps           frames per second per camera, 0 = as fast as possible (default: the video's rate)",
            "  --loop          start over at the end of the video (runs until --frames or Ctrl-C)",
            "  --frames        frames per camera (default: to the end of the video)",
            "  --encoding      jpeg (default), png, rgb24 or gray8 (raw frames need a broker that accepts them)",
            "  --quality       JPEG quality 0..100 (default 90)",
            "  --resize        scale frames to WxH",
            "  --progress      seconds between progress lines, 0 = summary only (default 1)",
            "  --create-topic  create the topic with this many partitions if it is missing",
            "  --property      a Kafka producer property, repeatable (e.g. --property security.protocol=SSL)");

    private static final Set<String> WITH_VALUE = Set.of("bootstrap", "topic", "cameras", "start-offset", "fps",
            "encoding", "quality", "resize", "frames", "progress", "create-topic");
    private static final Set<String> FLAGS = Set.of("loop");

    private ProduceCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        CameraReplay replay = new CameraReplay(options(argv));
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

    /** The replay options a command line asks for (the command line without the command name). */
    public static CameraReplay.Options options(List<String> argv) {
        // --video and --property may repeat; Args keeps one value per option, so take them out first.
        List<String> videos = new ArrayList<>();
        List<String> properties = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            List<String> into = a.equals("--video") || a.startsWith("--video=") ? videos
                    : a.equals("--property") || a.startsWith("--property=") ? properties : null;
            if (into == null) {
                rest.add(a);
            } else if (a.contains("=")) {
                into.add(a.substring(a.indexOf('=') + 1));
            } else {
                if (i + 1 >= argv.size()) throw new Args.UsageException("option " + a + " needs a value");
                into.add(argv.get(++i));
            }
        }
        Args args = Args.parse(rest, WITH_VALUE, FLAGS);

        CameraReplay.Builder b = CameraReplay.Options.builder(args.get("bootstrap", "localhost:9092"), args.get("topic", "frames"));
        List<VideoSource> sources = new ArrayList<>();
        for (String v : videos) {
            // a URL may contain commas: only file lists are split
            for (String f : v.contains("://") ? new String[] {v} : v.split(",")) {
                if (!f.isBlank()) sources.add(VideoSource.of(f.strip()));
            }
        }
        if (sources.isEmpty()) sources.add(VideoSource.file(DataPaths.resolve("video/vtest.avi")));
        sources.forEach(b::source);

        int cameras = args.intValue("cameras", 1);
        if (cameras < 1 || cameras > 10_000) throw new Args.UsageException("--cameras expects 1..10000, got " + cameras);
        b.cameras(cameras);

        String offsets = args.get("start-offset", null);
        if (offsets != null) {
            if (offsets.equalsIgnoreCase("spread")) {
                b.spread();
            } else {
                List<Long> list = new ArrayList<>();
                for (String o : offsets.split(",")) {
                    try {
                        long v = Long.parseLong(o.strip());
                        if (v < 0) throw new NumberFormatException();
                        list.add(v);
                    } catch (NumberFormatException e) {
                        throw new Args.UsageException("--start-offset expects frame numbers >= 0 or 'spread', got '" + offsets + "'");
                    }
                }
                if (list.size() > 1 && list.size() != cameras) {
                    throw new Args.UsageException("--start-offset has " + list.size() + " values for " + cameras
                            + " cameras: give one for all cameras or one per camera");
                }
                b.startOffsets(list);
            }
        }

        if (args.has("fps")) {
            float fps = args.floatValue("fps", 0);
            if (!(fps >= 0) || Float.isInfinite(fps)) throw new Args.UsageException("--fps expects a number >= 0, got " + fps);
            b.fps(fps);
        }
        b.loop(args.has("loop"));

        String enc = args.get("encoding", "jpeg");
        FrameEncoding encoding = FrameEncoding.fromId(enc);
        if (encoding == null) throw new Args.UsageException("--encoding is jpeg, png, rgb24 or gray8, got '" + enc + "'");
        b.encoding(encoding);
        if (args.has("quality")) {
            if (encoding != FrameEncoding.JPEG) throw new Args.UsageException("--quality applies to --encoding jpeg only");
            int q = args.intValue("quality", 90);
            if (q < 0 || q > 100) throw new Args.UsageException("--quality expects 0..100, got " + q);
            b.quality(q);
        }
        int[] size = args.size("resize");
        if (size != null) b.resize(size[0], size[1]);

        int frames = args.intValue("frames", 0);
        if (frames < 0) throw new Args.UsageException("--frames expects a count >= 0, got " + frames);
        b.frames(frames);

        float progress = args.floatValue("progress", 1);
        if (!(progress >= 0) || progress > 86_400) throw new Args.UsageException("--progress expects seconds >= 0, got " + progress);
        b.progressInterval(Duration.ofMillis(Math.round(progress * 1000.0)));

        int partitions = args.intValue("create-topic", 0);
        if (args.has("create-topic") && partitions < 1) {
            throw new Args.UsageException("--create-topic expects a partition count >= 1, got " + partitions);
        }
        b.createTopic(partitions);

        for (String p : properties) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new Args.UsageException("--property expects KEY=VALUE, got '" + p + "'");
            b.producerProperty(p.substring(0, eq).strip(), p.substring(eq + 1));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }
}
