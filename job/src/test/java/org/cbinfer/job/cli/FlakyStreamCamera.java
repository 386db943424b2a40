package org.cbinfer.job.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A network camera that keeps dropping: Debian's ffmpeg serves vtest.avi over HTTP on loopback
 * ({@code -listen 1}, NUT container, the video's own pace with {@code -re}) for {@code secondsPerConnection}
 * seconds, then ends the connection; a new server is started on the same port at once, so a client must
 * reconnect to go on. Without ffmpeg on the PATH the test is skipped, unless {@code CBINFER_REQUIRE_TOOLS=1}
 * (set by .ci/run), where it fails.
 */
final class FlakyStreamCamera implements AutoCloseable {
    private final List<String> command;
    private final Thread loop;
    private final AtomicInteger served = new AtomicInteger();
    private volatile boolean closed;
    private volatile Process current;
    final String url;

    FlakyStreamCamera(Path video, int port, double secondsPerConnection) {
        requireFfmpeg();
        url = "http://127.0.0.1:" + port + "/cam";
        command = List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-i", video.toString(),
                "-t", Double.toString(secondsPerConnection), "-c", "copy", "-f", "nut", "-listen", "1", url);
        loop = new Thread(this::serve, "flaky-camera-" + port);
        loop.setDaemon(true);
        loop.start();
    }

    /** Connections served to the end (or cut by {@link #close()}). */
    int connectionsServed() {
        return served.get();
    }

    private void serve() {
        while (!closed) {
            try {
                current = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                current.waitFor();
                served.incrementAndGet();
            } catch (Exception e) {
                if (!closed) throw new IllegalStateException("ffmpeg server failed", e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        Process p = current;
        if (p != null) {
            p.destroy();
            p.waitFor();
        }
        loop.join(5000);
    }

    static void requireFfmpeg() {
        boolean present;
        try {
            present = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (Exception e) {
            present = false;
        }
        if (present) return;
        if ("1".equals(System.getenv("CBINFER_REQUIRE_TOOLS"))) {
            fail("ffmpeg is not on the PATH, and CBINFER_REQUIRE_TOOLS=1 (CI) requires it: apt-get install ffmpeg");
        }
        Assumptions.abort("ffmpeg is not installed (apt-get install ffmpeg): the network-camera test needs it to serve a stream");
    }
}
