package org.cbinfer.job.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded demo end to end: 2 cameras x 4 small frames, the dashboard's REST API answers while it runs. */
class EmbeddedDemoTest {
    @Test
    @Timeout(120)
    void runsTwoCamerasAndTheDashboardAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedDemo demo = new EmbeddedDemo(new EmbeddedDemo.Options(2, 4, 129, 97, 0.03f, port, 0, Duration.ofSeconds(1)));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<String> overview = new AtomicReference<>();
        int p = port;
        Thread probe = new Thread(() -> {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            while (running.get()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + p + "/jobs/overview"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().contains("cbinfer demo")) overview.compareAndSet(null, r.body());
                } catch (Exception notYet) {
                    // the cluster is not up yet, or gone
                }
                try {
                    Thread.sleep(200);
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
        assertEquals(8, s.framesIn(), text);
        assertEquals(s.framesIn(), s.results() + s.deadLetters(), text);
        assertEquals(2, s.keyframes(), text);
        assertTrue(s.jobStatus().equals("CANCELED") || s.jobStatus().equals("FINISHED"), s.jobStatus());
        assertTrue(text.contains("summary (completed"), text);
        assertTrue(overview.get() != null, "GET /jobs/overview answered with the demo job while it ran");
        assertTrue(overview.get().contains("\"jid\""), overview.get());
    }
}
