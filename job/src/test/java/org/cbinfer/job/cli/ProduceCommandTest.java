package org.cbinfer.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.replay.CameraReplay;
import org.cbinfer.connectors.video.VideoSource;
import org.cbinfer.job.Cli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/**
 * {@code bin/cbinfer produce}: the command line to replay options. The replay itself is tested against
 * a real broker in the connectors module ({@code CameraReplayTest}).
 */
class ProduceCommandTest {

    /** The replay {@code produce} would run for a command line, without running it. */
    private static CameraReplay.Options options(String... argv) {
        List<String> produce = new ArrayList<>(List.of("produce"));
        produce.addAll(List.of(argv));
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        ParseResult parsed = Cli.commandLine(none, none).parseArgs(produce.toArray(String[]::new));
        return ((ProduceCommand) parsed.subcommand().commandSpec().userObject()).options();
    }

    @Test
    void optionsFromTheCommandLine() {
        CameraReplay.Options o = options("--bootstrap", "kafka:9092", "--topic", "cams",
                "--video", "a.avi,b.avi", "--video=c.avi", "--cameras", "3", "--start-offset", "0,100,200",
                "--fps", "12.5", "--loop", "--encoding", "png", "--resize", "320x240", "--frames", "50",
                "--progress", "0.5", "--create-topic", "6", "--property", "linger.ms=20", "--property=acks=1");
        assertEquals("kafka:9092", o.bootstrapServers());
        assertEquals("cams", o.topic());
        assertEquals(List.of(Path.of("a.avi"), Path.of("b.avi"), Path.of("c.avi")), o.videos().stream().map(VideoSource::file).toList());
        assertEquals(3, o.cameras());
        assertEquals(List.of(0L, 100L, 200L), o.startOffsets());
        assertFalse(o.spread());
        assertEquals(12.5, o.fps(), 1e-9);
        assertTrue(o.loop());
        assertEquals(FrameEncoding.PNG, o.encoding());
        assertEquals(320, o.resizeWidth());
        assertEquals(240, o.resizeHeight());
        assertEquals(50, o.frames());
        assertEquals(Duration.ofMillis(500), o.progressInterval());
        assertEquals(6, o.createPartitions());
        assertEquals(Map.of("linger.ms", "20", "acks", "1"), o.producerProperties());
    }

    @Test
    void defaults() {
        CameraReplay.Options o = options("--video", "x.avi", "--start-offset", "spread");
        assertEquals("localhost:9092", o.bootstrapServers());
        assertEquals("frames", o.topic());
        assertEquals(1, o.cameras());
        assertTrue(o.spread());
        assertTrue(o.fps() < 0, "the video's own rate");
        assertFalse(o.loop());
        assertEquals(FrameEncoding.JPEG, o.encoding());
        assertEquals(90, o.quality());
        assertEquals(0, o.frames(), "to the end of the video");
        assertEquals(0, o.createPartitions(), "creates nothing by default");
        assertEquals(Duration.ofSeconds(1), o.progressInterval());
    }

    @Test
    void wrongCommandLinesAreUsageErrorsFoundBeforeKafkaIsContacted() {
        String[][] bad = {
                {"--encoding", "webp"},
                {"--quality", "80", "--encoding", "png"},
                {"--quality", "101"},
                {"--cameras", "0"},
                {"--cameras", "2", "--start-offset", "1,2,3"},
                {"--start-offset", "-5"},
                {"--fps", "-1"},
                {"--resize", "10"},
                {"--frames", "-1"},
                {"--create-topic", "0"},
                {"--property", "novalue"},
                {"--video"},
                {"--colour", "red"},
        };
        for (String[] b : bad) {
            // no broker listens there: a command line that got as far as Kafka would fail with 1, not 2
            List<String> argv = new ArrayList<>(List.of("produce", "--bootstrap", "127.0.0.1:1", "--video", "x.avi"));
            argv.addAll(List.of(b));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Cli.run(argv, new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, code, String.join(" ", b) + ": " + text);
            assertTrue(text.startsWith("error: ") && text.contains("Usage: cbinfer produce"), text);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(List.of("produce", "--video", "x.avi", "--encoding", "webp"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--encoding is jpeg, png, rgb24 or gray8, got 'webp'"), err.toString());
    }

    @Test
    void helpAndCommandList() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Cli.run(List.of("produce", "--help"), new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("--start-offset") && text.contains("--create-topic"), text);
        out.reset();
        assertEquals(0, Cli.run(List.of("help"), new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Replay videos as cameras to a Kafka topic"), out.toString());
    }

    @Test
    void aMissingVideoFailsBeforeKafkaIsContacted() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(List.of("produce", "--bootstrap", "127.0.0.1:1", "--video", "no/such.avi", "--frames", "1"),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Video file not found"), err.toString());
    }
}
