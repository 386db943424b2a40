package org.cbinfer.job.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.cbinfer.job.Cli;
import org.cbinfer.job.cluster.LocalCluster;
import org.cbinfer.job.stream.JobConfig;
import org.cbinfer.job.stream.StreamingJob;
import org.cbinfer.testkit.KafkaBroker;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view on real results: vtest.avi as 3 cameras through {@code produce}, the streaming job (real
 * PoseNet) on a local Flink cluster writing results, the view reading both topics; then headless Chromium
 * loads the page, the page reports the skeletons it drew, and a screenshot goes to
 * {@code job/target/live-view.png} (the README's {@code docs/live-view.png} is a copy of one). Without chromium the test is skipped, unless {@code CBINFER_REQUIRE_TOOLS=1}
 * (set by .ci/run), where it fails.
 */
class LiveViewTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FRAMES = 3;

    @TempDir
    Path tmp;

    @Test
    void showsEachCamerasLatestFrameWithItsSkeletonsInABrowser() throws Exception {
        String chromium = chromium();
        KAFKA.createTopic("frames", 3);
        KAFKA.createTopic("results", 3);
        KAFKA.createTopic("dead-letters", 1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(log, true, StandardCharsets.UTF_8);
        assertEquals(0, Cli.run(List.of("produce", "--bootstrap", KAFKA.bootstrapServers(), "--cameras", "3",
                "--start-offset", "60,330,600", "--frames", Integer.toString(FRAMES), "--fps", "0", "--resize", "385x289",
                "--progress", "0"), printed, printed), log.toString(StandardCharsets.UTF_8));

        Path yaml = tmp.resolve("job.yaml");
        Files.writeString(yaml, String.join("\n",
                "kafka: {bootstrap: '" + KAFKA.bootstrapServers() + "', groupId: view-test}",
                "source: {startingOffsets: earliest, bounded: true}",
                "model: {path: '" + TestData.file("models/tfjs/posenet.json") + "', kind: pose, scale: pm1}",
                "thresholds: {default: 0.02}",
                "checkpointing: {intervalMs: 1000, exactlyOnce: false}", ""));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamingJob.build(env, JobConfig.load(yaml, List.of()));
        env.executeAsync("live view test").getJobExecutionResult().get(3, TimeUnit.MINUTES);

        try (LiveView view = LiveView.builder(KAFKA.bootstrapServers()).port(0).fromBeginning().build().start()) {
            JsonNode cameras = awaitCameras(view, 3);
            // what the page reads: strict JSON (no NaN), as a browser parses it
            HttpResponse<String> api = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(view.url() + "api/cameras")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(3, new ObjectMapper().readTree(api.body()).path("cameras").size(), api.body());
            for (JsonNode c : cameras) {
                assertEquals(FRAMES - 1, c.path("shown").path("sequence").asLong(), c.toString());
                assertTrue(c.path("shown").path("skeletons").size() > 0, c.path("camera") + " has skeletons");
                assertEquals(1, c.path("keyframes").asLong(), "the first frame of each camera");
                assertTrue(c.path("changedFraction").asDouble() > 0, c.toString());
            }
            HttpResponse<byte[]> jpeg = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(view.url() + "frame/cam-1")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, jpeg.statusCode());
            assertEquals(0xFF, jpeg.body()[0] & 0xFF, "JPEG");

            // the page in a real browser: it marks on <body> how many skeletons it has drawn; wait for them
            // with a longer (virtual) time budget each try, as a loaded machine may draw later
            int[] drawn = {0, 0};
            int budget = 4000;
            for (int attempt = 0; attempt < 4 && (drawn[0] < 3 || drawn[1] < 3); attempt++, budget *= 2) {
                String dom = browser(chromium, view.url(), budget, "--dump-dom");
                Matcher m = Pattern.compile("data-skeletons=\"(\\d+)\" data-frames=\"(\\d+)\"").matcher(dom);
                assertTrue(m.find(), "no skeleton count in the page:\n" + dom.lines().limit(20).toList());
                drawn = new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
            }
            assertTrue(drawn[0] >= 3, "skeletons drawn: " + drawn[0]);
            assertEquals(3, drawn[1], "camera pictures drawn");

            Path png = LocalCluster.home().resolve("job/target/live-view.png");
            Files.createDirectories(png.getParent());
            browser(chromium, view.url(), budget, "--screenshot=" + png, "--window-size=1320,470", "--hide-scrollbars");
            assertTrue(Files.size(png) > 50_000, "screenshot " + png + " of " + Files.size(png) + " bytes");
        }
    }

    private static JsonNode awaitCameras(LiveView view, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode cameras = null;
        while (System.nanoTime() < deadline) {
            cameras = view.board().toJson();
            int shown = 0;
            for (JsonNode c : cameras) shown += c.path("shown").path("sequence").asLong(-1) == FRAMES - 1 ? 1 : 0;
            if (shown == n) return cameras;
            Thread.sleep(200);
        }
        throw new AssertionError("the view did not show " + n + " cameras' last frames: " + cameras + " " + view.readerError());
    }

    /** Runs headless Chromium on {@code url} with a fresh profile for {@code virtualTimeMillis} of page time; returns what it printed. */
    private String browser(String chromium, String url, int virtualTimeMillis, String... action) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile"), "--virtual-time-budget=" + virtualTimeMillis));
        cmd.addAll(List.of(action));
        cmd.add(url);
        Path out = Files.createTempFile(tmp, "chromium", ".out");
        Path err = Files.createTempFile(tmp, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish within 90 s: " + Files.readString(err));
        }
        assertEquals(0, p.exitValue(), "chromium: " + Files.readString(err));
        return Files.readString(out);
    }

    private static String chromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            try {
                if (new ProcessBuilder(name, "--version").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0) {
                    return name;
                }
            } catch (Exception absent) {
                // try the next name
            }
        }
        if ("1".equals(System.getenv("CBINFER_REQUIRE_TOOLS"))) {
            fail("chromium is not on the PATH, and CBINFER_REQUIRE_TOOLS=1 (CI) requires it: apt-get install chromium");
        }
        Assumptions.abort("chromium is not installed (apt-get install chromium): the live view's browser test needs it");
        return null;
    }
}
