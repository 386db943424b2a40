package org.cbinfer.connectors.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reconnection without a server: the back-off is followed and exhausted; stop ends a wait. (With a real stream: ProduceFromStreamTest.) */
class ReconnectingVideoReaderTest {
    @Test
    void givesUpWhenNothingAnswersNamingTheStreamAndTheLastError() throws Exception {
        String url = "http://127.0.0.1:" + closedPort() + "/cam";
        List<String> events = new ArrayList<>();
        try (ReconnectingVideoReader r = ReconnectingVideoReader.builder(VideoSource.of(url))
                .backOff(new BackOff(Duration.ofMillis(10), Duration.ofMillis(40), 3)).events(events::add).build()) {
            VideoException e = assertThrows(VideoException.class, r::read);
            assertTrue(e.getMessage().contains("Giving up after 4 failed attempts"), e.getMessage());
            assertTrue(e.getMessage().contains(url), e.getMessage());
            assertEquals(3, events.size(), "one line per retry: " + events);
            assertTrue(events.get(0).contains("reconnecting in 10 ms (attempt 1)"), events.get(0));
            assertTrue(events.get(2).contains("reconnecting in 40 ms (attempt 3)"), events.get(2));
            assertEquals(0, r.connections());
        }
    }

    @Test
    void stopEndsTheRetries() throws Exception {
        long t0 = System.nanoTime();
        boolean[] stop = {false};
        try (ReconnectingVideoReader r = ReconnectingVideoReader.builder(VideoSource.of("http://127.0.0.1:" + closedPort() + "/cam"))
                .backOff(new BackOff(Duration.ofSeconds(30), Duration.ofSeconds(30), 0))
                .events(line -> stop[0] = true).stopWhen(() -> stop[0]).build()) {
            assertNull(r.read(), "stopped while waiting 30 s to retry");
        }
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(25).toNanos(), "did not wait out the back-off");
    }

    @Test
    void tellsFilesFromStreams() {
        assertTrue(VideoSource.of("rtsp://cam.local:554/stream1").isStream());
        assertTrue(VideoSource.of("http://127.0.0.1:8000/cam").isStream());
        assertEquals(Path.of("/tmp/a.avi"), VideoSource.of("file:///tmp/a.avi").file());
        assertEquals(Path.of("videos/a.avi"), VideoSource.of("videos/a.avi").file());
        assertEquals("rtsp://cam/s", VideoSource.of("rtsp://cam/s?token=secret").shortName());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
