package org.cbinfer.job.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded demo end to end: 2 cameras x 10 small frames at 2 fps; while it runs, the dashboard's REST API shows the
 * job and the inference operator's own metrics (frames processed, batch sizes, device memory); the run
 * directory holds the results, the per-camera figures, the checkpoints and summary.json.
 */
class EmbeddedDemoTest {
    private static final String OPERATOR = "change-based-inference.";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(180)
    void runsTwoCamerasAndTheDashboardShowsTheJobAndItsMetrics(@TempDir Path run) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedDemo demo = new EmbeddedDemo(EmbeddedDemo.Options.builder(run).cameras(2).frames(10).size(129, 97)
                .threshold(0.03f).port(port).fps(2).progress(Duration.ofSeconds(1)).build());

        AtomicBoolean running = new AtomicBoolean(true);
        Set<String> jobNames = ConcurrentHashMap.newKeySet();
        Set<String> metricNames = ConcurrentHashMap.newKeySet();
        AtomicLong framesProcessed = new AtomicLong();
        Thread probe = new Thread(() -> {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String base = "http://localhost:" + port;
            while (running.get()) {
                try {
                    for (JsonNode job : get(http, base + "/jobs/overview").path("jobs")) {
                        jobNames.add(job.path("name").asText());
                        String jid = job.path("jid").asText();
                        for (JsonNode v : get(http, base + "/jobs/" + jid).path("vertices")) {
                            if (!v.path("name").asText().contains("change-based-inference")) continue;
                            String metrics = base + "/jobs/" + jid + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
                            get(http, metrics).forEach(m -> metricNames.add(m.path("id").asText()));
                            for (JsonNode m : get(http, metrics + "?get=" + OPERATOR + "framesProcessed&agg=sum")) {
                                framesProcessed.accumulateAndGet((long) m.path("sum").asDouble(), Math::max);
                            }
                        }
                    }
                } catch (Exception notYet) {
                    // the cluster is not up yet, or gone
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "demo-test-rest-probe");
        probe.setDaemon(true);
        probe.start();

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        EmbeddedDemo.Summary s;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            s = demo.run(out);
        } finally {
            running.set(false);
            probe.join(5_000);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        assertTrue(s.complete(), s.ending());
        assertEquals(2, s.cameras().size(), text);
        assertEquals(20, s.framesIn(), text);
        assertEquals(s.framesIn(), s.results() + s.deadLetters(), text);
        assertEquals(2, s.keyframes(), text);
        assertTrue(s.jobStatus().equals("CANCELED") || s.jobStatus().equals("FINISHED"), s.jobStatus());
        assertTrue(text.contains("summary (completed"), text);

        assertTrue(jobNames.stream().anyMatch(n -> n.startsWith("cbinfer demo")), "the dashboard lists the job: " + jobNames);
        for (String metric : new String[] {"framesProcessed", "keyframes", "batchSize_median", "processingLatencyMs_p99",
                "deviceMemoryBytes", "stateCacheHits"}) {
            assertTrue(metricNames.contains(OPERATOR + metric), metric + " on the dashboard: "
                    + metricNames.stream().filter(n -> n.startsWith(OPERATOR)).sorted().toList());
        }
        assertTrue(framesProcessed.get() > 0, "framesProcessed counted up while the demo ran");

        assertEquals(20, Files.readAllLines(run.resolve("results.jsonl")).size(), "results written to the run directory");
        assertTrue(Files.readAllLines(run.resolve("camera-metrics.jsonl")).size() >= 1, "per-camera figures in the run directory");

        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals("completed", summary.path("ending").asText());
        assertEquals(2, summary.path("run").path("cameras").asInt());
        assertEquals("cpu", summary.path("run").path("backend").asText());
        assertEquals("[0]", summary.path("run").path("devices").toString());
        assertEquals(20, summary.path("counts").path("results").asLong());
        assertEquals(2, summary.path("counts").path("keyframes").asLong());
        JsonNode e2e = summary.path("latencyMs").path("endToEnd");
        assertEquals(20, e2e.path("count").asInt(), summary.toString());
        assertTrue(e2e.path("p50").asDouble() > 0 && e2e.path("p50").asDouble() <= e2e.path("p99").asDouble(), e2e.toString());
        assertTrue(summary.path("latencyMs").path("operator").path("p95").asDouble() > 0, summary.toString());
        assertTrue(summary.path("time").path("resultsPerSecondSteady").asDouble() > 0, summary.toString());
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(url + ": " + r.statusCode());
        return JSON.readTree(r.body());
    }
}
