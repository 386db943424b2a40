package org.cbinfer.job.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.job.Cli;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare-results} on real demo runs ({@code bin/cbinfer demo} through the CLI, raw vtest.avi frames as the GPU
 * machine replays them): two runs with the same thresholds agree exactly even at another parallelism and batching, a
 * run with the tuned per-layer thresholds differs, and a run missing results fails the comparison.
 */
class CompareResultsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 257, HEIGHT = 193;

    @TempDir
    static Path tmp;
    static Path raw;

    @BeforeEach
    void rawFrames() throws Exception { // per test: skipped, with the reason, without the sample data
        if (raw != null) return;
        TestData.file("models/tfjs/posenet.json"); // the demo's default model
        // what bench/decode_frames.py writes: frames of vtest.avi at one size, back to back
        Path file = tmp.resolve("vtest_" + WIDTH + "x" + HEIGHT + ".rgb");
        try (VideoReader r = VideoReader.builder().path(TestData.file("video/vtest.avi")).range(0, 20).resize(WIDTH, HEIGHT).build();
             OutputStream out = Files.newOutputStream(file)) {
            for (VideoFrame f; (f = r.read()) != null; ) out.write(f.rgb());
        }
        raw = file;
    }

    @Test
    @Timeout(240)
    void identicalRunsAgreeExactlyAndOtherThresholdsDiffer() throws Exception {
        Path a = demo("a", "--threshold", "0.03", "--parallelism", "1");
        Path same = demo("same", "--threshold", "0.03", "--parallelism", "2", "--batch-max-size", "1");
        Path tuned = demo("tuned", "--thresholds", "../conf/thresholds/posenet-vtest-385x385.json", "--parallelism", "1");
        JsonNode summary = JSON.readTree(a.resolve("summary.json").toFile());
        assertEquals(10, summary.path("counts").path("results").asLong(), summary.toString());
        assertEquals(raw.toString(), summary.path("run").path("input").asText());

        Result exact = compare(a, same, "--min-same-position", "1", "--max-score-diff", "0");
        assertEquals(0, exact.code, exact.text);
        assertEquals(10, exact.json.path("pairs").asLong(), exact.text);
        // vtest's first frames at 257x193 hold few confident people: at least one skeleton must have been compared
        assertTrue(exact.json.path("keypoints").asLong() >= ResultComparison.KEYPOINTS, "skeletons were compared: " + exact.text);
        assertEquals(1.0, exact.json.path("samePositionShare").asDouble(), exact.text);
        assertEquals(0.0, exact.json.path("maxScoreDiff").asDouble(), exact.text);
        assertEquals(0, exact.json.path("personsUnmatched").asLong(), exact.text);

        Result differ = compare(a, tuned, "--min-same-position", "1", "--max-score-diff", "0");
        assertEquals(1, differ.code, differ.text);
        assertEquals(10, differ.json.path("pairs").asLong(), differ.text);
        assertTrue(differ.json.path("maxScoreDiff").asDouble() > 0, differ.text);
        assertTrue(differ.text.contains("agreement: FAILED: "), differ.text);

        // a run that lost a result: found in one run only
        Path partial = tmp.resolve("partial.jsonl");
        List<String> lines = Files.readAllLines(same.resolve("results.jsonl"));
        Files.write(partial, lines.subList(0, lines.size() - 1));
        Result missing = compare(a, partial);
        assertEquals(1, missing.code, missing.text);
        assertEquals(1, missing.json.path("onlyInA").asLong(), missing.text);
        assertTrue(missing.text.contains("1 results in one run only > 0"), missing.text);
    }

    @Test
    void usageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(List.of("compare-results", tmp.toString()), new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("error: Missing required parameter: 'RUN_B'"), err.toString());
    }

    private static Path demo(String name, String... extra) {
        Path run = tmp.resolve(name);
        List<String> argv = new ArrayList<>(List.of("demo", "--raw", raw.toString(), "--width", "" + WIDTH, "--height",
                "" + HEIGHT, "--cameras", "2", "--frames", "5", "--fps", "0", "--port", "0", "--progress", "0",
                "--out", run.toString()));
        argv.addAll(List.of(extra));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Cli.run(argv, new PrintStream(buf, true, StandardCharsets.UTF_8), System.err);
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertEquals(0, code, text);
        return run;
    }

    private record Result(int code, String text, JsonNode json) {}

    private static Result compare(Path a, Path b, String... extra) throws Exception {
        Path json = Files.createTempFile(tmp, "compare", ".json");
        List<String> argv = new ArrayList<>(List.of("compare-results", a.toString(), b.toString(), "--json", json.toString()));
        argv.addAll(List.of(extra));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Cli.run(argv, new PrintStream(buf, true, StandardCharsets.UTF_8), System.err);
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return new Result(code, text, JSON.readTree(json.toFile()));
    }
}
