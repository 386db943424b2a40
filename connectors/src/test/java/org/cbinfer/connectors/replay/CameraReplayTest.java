package org.cbinfer.connectors.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;
import org.cbinfer.connectors.testing.VtestFrames;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.connectors.video.VideoSource;
import org.cbinfer.testkit.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The camera replay behind {@code cbinfer produce}, against the in-JVM broker with vtest.avi. */
class CameraReplayTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private final Path video = VtestFrames.path(); // per test: skipped, with the reason, without the sample data

    @Test
    void threeCamerasSpreadOverTheVideoArriveInPerCameraOrder() throws Exception {
        KAFKA.createTopic("frames-3", 3);
        int n = 12;
        Out out = new Out();
        CameraReplay.Summary s = new CameraReplay(CameraReplay.Options.builder(KAFKA.bootstrapServers(), "frames-3")
                .video(video).cameras(3).spread().fps(0).frames(n).resize(192, 144).encoding(FrameEncoding.PNG)
                .progressInterval(Duration.ofMillis(100)).build()).run(out.stream);
        System.out.print(out);
        assertTrue(s.ok(), s.error());
        assertEquals(3 * n, s.framesSent());
        assertEquals(List.of(0L, 265L, 530L), s.cameras().stream().map(CameraReplay.CameraSummary::startOffset).toList(),
                "vtest.avi has 795 frames");

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readAll("frames-3", 3 * n, Duration.ofSeconds(20));
        assertEquals(3 * n, records.size());
        Map<String, List<FrameRecord>> byCamera = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Incoming in = KafkaFrames.read(r);
            FrameRecord f = (FrameRecord) in;
            assertEquals(KafkaFrames.partitionFor(f.cameraId(), 3), r.partition(), "one partition per camera, by key");
            assertEquals(f.captureTimeMillis(), r.timestamp());
            byCamera.computeIfAbsent(f.cameraId(), x -> new ArrayList<>()).add(f);
        }
        assertEquals(3, byCamera.size());
        for (int c = 0; c < 3; c++) {
            List<FrameRecord> frames = byCamera.get("cam-" + c);
            assertEquals(n, frames.size());
            long start = 265L * c;
            try (VideoReader reader = VideoReader.builder().path(video).range(start, start + n).resize(192, 144).build()) {
                for (int k = 0; k < n; k++) {
                    FrameRecord f = frames.get(k);
                    assertEquals(k, f.sequence(), "cam-" + c + " in order, sequence from 0");
                    if (k > 0) assertTrue(f.captureTimeMillis() >= frames.get(k - 1).captureTimeMillis());
                    assertEquals(FrameEncoding.PNG, f.encoding());
                    VideoFrame v = reader.read();
                    assertEquals(new RgbImage(192, 144, v.rgb()), FrameCodec.decode(f, FrameLimits.DEFAULT),
                            "cam-" + c + " frame " + k + " is video frame " + (start + k));
                }
            }
        }
        String text = out.toString();
        assertTrue(text.contains("cam-2 <- ") && text.contains("from frame 530"), text);
        assertTrue(text.contains("done: 36 frames"), text);
    }

    @Test
    void rawFramesAreReplayedAsTheyAreSpreadAndLooped(@TempDir Path tmp) throws Exception {
        // 5 frames of vtest.avi at 64x48, back to back, as bench/decode_frames.py writes them
        Path raw = tmp.resolve("vtest_64x48.rgb");
        List<byte[]> decoded = new ArrayList<>();
        try (VideoReader r = VideoReader.builder().path(video).range(0, 5).resize(64, 48).build();
             var file = Files.newOutputStream(raw)) {
            for (VideoFrame f; (f = r.read()) != null; ) {
                decoded.add(f.rgb());
                file.write(f.rgb());
            }
        }
        KAFKA.createTopic("frames-raw", 1);
        int n = 4;
        CameraReplay.Summary s = new CameraReplay(CameraReplay.Options.builder(KAFKA.bootstrapServers(), "frames-raw")
                .source(VideoSource.raw(raw, 64, 48)).cameras(2).spread().fps(0).loop(true).frames(n)
                .encoding(FrameEncoding.RGB24).progressInterval(Duration.ZERO).build()).run(new Out().stream);
        assertTrue(s.ok(), s.error());
        assertEquals(List.of(0L, 2L), s.cameras().stream().map(CameraReplay.CameraSummary::startOffset).toList(),
                "5 frames spread over 2 cameras");
        Map<String, List<FrameRecord>> byCamera = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.readAll("frames-raw", 2 * n, Duration.ofSeconds(20))) {
            FrameRecord f = (FrameRecord) KafkaFrames.read(r);
            byCamera.computeIfAbsent(f.cameraId(), x -> new ArrayList<>()).add(f);
        }
        for (int c = 0; c < 2; c++) {
            for (int k = 0; k < n; k++) {
                int index = (2 * c + k) % 5;   // cam-1 wraps from the last frame to the first
                assertEquals(new RgbImage(64, 48, decoded.get(index)),
                        FrameCodec.decode(byCamera.get("cam-" + c).get(k), FrameLimits.DEFAULT), "cam-" + c + " frame " + k);
            }
        }

        IllegalArgumentException noRate = assertThrows(IllegalArgumentException.class, () -> CameraReplay.Options
                .builder(KAFKA.bootstrapServers(), "frames-raw").source(VideoSource.raw(raw, 64, 48)).build());
        assertTrue(noRate.getMessage().contains("raw frames carry no frame rate"), noRate.getMessage());
        CameraReplay wrongSize = new CameraReplay(CameraReplay.Options.builder(KAFKA.bootstrapServers(), "frames-raw")
                .source(VideoSource.raw(raw, 63, 48)).fps(0).build());
        Exception e = assertThrows(Exception.class, () -> wrongSize.run(new Out().stream));
        assertTrue(e.getMessage().contains("not a whole, non-zero number of 63x48 RGB24 frames"), e.getMessage());
    }

    @Test
    void pacingLoopingAndStartOffsets() throws Exception {
        KAFKA.createTopic("frames-loop", 1);
        // starts 3 frames before the end of the 795-frame video: frames 792, 793, 794, then 0, 1, ...
        Out out = new Out();
        long t0 = System.nanoTime();
        CameraReplay.Summary s = new CameraReplay(CameraReplay.Options.builder(KAFKA.bootstrapServers(), "frames-loop")
                .video(video).cameras(1).startOffsets(List.of(792L)).fps(40).loop(true).frames(8).resize(64, 48)
                .encoding(FrameEncoding.RGB24).progressInterval(Duration.ZERO).build()).run(out.stream);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(s.ok(), s.error());
        assertEquals(8, s.framesSent());
        assertTrue(seconds >= 7 / 40.0, "8 frames at 40 fps take at least 175 ms, took " + seconds);
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readAll("frames-loop", 8, Duration.ofSeconds(20));
        List<FrameRecord> frames = records.stream().map(r -> (FrameRecord) KafkaFrames.read(r)).toList();
        long span = frames.get(7).captureTimeMillis() - frames.get(0).captureTimeMillis();
        assertTrue(span >= 150 && span < 2000, "capture times paced at 25 ms: span " + span);
        List<byte[]> expected = new ArrayList<>();
        try (VideoReader r = VideoReader.builder().path(video).from(792).resize(64, 48).build()) {
            for (VideoFrame f; (f = r.read()) != null; ) expected.add(f.rgb());
        }
        try (VideoReader r = VideoReader.builder().path(video).range(0, 5).resize(64, 48).build()) {
            for (VideoFrame f; (f = r.read()) != null; ) expected.add(f.rgb());
        }
        for (int k = 0; k < 8; k++) {
            assertEquals(k, frames.get(k).sequence(), "sequence continues across the loop");
            assertEquals(64, frames.get(k).width());
            assertTrue(java.util.Arrays.equals(expected.get(k), frames.get(k).payload()), "frame " + k);
        }
    }

    @Test
    void stopsCleanlyOnRequest() throws Exception {
        KAFKA.createTopic("frames-stop", 2);
        CameraReplay replay = new CameraReplay(CameraReplay.Options.builder(KAFKA.bootstrapServers(), "frames-stop")
                .video(video).cameras(2).fps(20).loop(true).resize(64, 48).progressInterval(Duration.ofMillis(100)).build());
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(600);
            } catch (InterruptedException ignored) {
                return;
            }
            replay.stop();
        });
        stopper.start();
        Out out = new Out();
        CameraReplay.Summary s = replay.run(out.stream);
        assertTrue(s.ok(), s.error());
        assertTrue(s.stopped());
        assertTrue(s.framesSent() >= 4 && s.framesSent() < 60, "about 2 x 20 fps x 0.6 s, got " + s.framesSent());
        // everything counted as sent is on the topic (flushed before run returned)
        assertEquals(s.framesSent(), KAFKA.readAll("frames-stop", (int) s.framesSent(), Duration.ofSeconds(20)).size());
        assertTrue(out.toString().contains("stopped: " + s.framesSent() + " frames"), out.toString());
        assertTrue(out.toString().contains("] cam-0 "), "progress lines: " + out);
    }

    @Test
    void createsNothingUnlessAskedAndExplainsFailures() throws Exception {
        CameraReplay.Options missing = CameraReplay.Options.builder(KAFKA.bootstrapServers(), "no-such-topic")
                .video(video).fps(0).frames(2).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CameraReplay(missing).run(new Out().stream));
        assertTrue(e.getMessage().contains("topic 'no-such-topic' does not exist") && e.getMessage().contains("--create-topic"),
                e.getMessage());
        assertFalse(KAFKA.topics().contains("no-such-topic"), "nothing created implicitly");

        Out out = new Out();
        CameraReplay.Summary s = new CameraReplay(CameraReplay.Options.builder(KAFKA.bootstrapServers(), "created")
                .video(video).fps(0).frames(2).resize(64, 48).createTopic(2).build()).run(out.stream);
        assertTrue(s.ok(), s.error());
        assertTrue(out.toString().contains("created topic created: 2 partitions, replication 1"), out.toString());
        assertEquals(2, KAFKA.admin().describeTopics(List.of("created")).allTopicNames().get().get("created").partitions().size());

        // a raw frame larger than the topic accepts: the summary says what to do
        KAFKA.createTopic("small", 1, Map.of("max.message.bytes", "100000"));
        Out out2 = new Out();
        CameraReplay.Summary big = new CameraReplay(CameraReplay.Options.builder(KAFKA.bootstrapServers(), "small")
                .video(video).fps(0).frames(3).encoding(FrameEncoding.RGB24).progressInterval(Duration.ZERO).build())
                .run(out2.stream);
        assertFalse(big.ok());
        assertNotNull(big.error());
        assertTrue(big.error().contains("larger than Kafka accepts") && big.error().contains("1327") , big.error());
        assertTrue(out2.toString().contains("failed: 0 frames"), out2.toString());

        // a missing video fails before anything is sent
        Exception v = assertThrows(Exception.class, () -> new CameraReplay(CameraReplay.Options.builder(KAFKA.bootstrapServers(), "created")
                .video(Path.of("no/such/video.avi")).build()).run(new Out().stream));
        assertTrue(v.getMessage().contains("Video file not found"), v.getMessage());
    }

    /** A PrintStream into memory. */
    private static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        @Override
        public String toString() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
