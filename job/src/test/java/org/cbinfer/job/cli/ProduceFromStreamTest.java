package org.cbinfer.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cbinfer.connectors.kafka.contract.FrameHeaders;
import org.cbinfer.job.Cli;
import org.cbinfer.job.cluster.LocalCluster;
import org.cbinfer.testkit.KafkaBroker;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code produce} from a network camera: an HTTP stream served by ffmpeg on loopback that drops every
 * second ({@link FlakyStreamCamera}); the camera reconnects with back-off and its frames reach Kafka with
 * one unbroken sequence.
 */
class ProduceFromStreamTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void aDroppingStreamIsReconnectedAndItsSequenceGoesOn() throws Exception {
        KAFKA.createTopic("stream-frames", 1);
        int frames = 25;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (FlakyStreamCamera camera = new FlakyStreamCamera(TestData.file("video/vtest.avi"), LocalCluster.freePort(), 1.0)) {
            PrintStream printed = new PrintStream(log, true, StandardCharsets.UTF_8);
            int rc = Cli.run(List.of("produce", "--bootstrap", KAFKA.bootstrapServers(), "--topic", "stream-frames",
                    "--video", camera.url, "--frames", Integer.toString(frames), "--resize", "192x144", "--progress", "0"),
                    printed, printed);
            String out = log.toString(StandardCharsets.UTF_8);
            assertEquals(0, rc, out);
            assertTrue(camera.connectionsServed() >= 2, "the server dropped the camera at least twice: " + out);
            assertTrue(out.contains("reconnected (connection 3)"), "at least 3 connections: " + out);
        }
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readAll("stream-frames", frames, Duration.ofSeconds(30));
        assertEquals(LongStream.range(0, frames).boxed().toList(), records.stream()
                .map(r -> Long.parseLong(new String(r.headers().lastHeader(FrameHeaders.SEQUENCE).value(), StandardCharsets.UTF_8)))
                .toList(), "one sequence across the reconnections");
        assertTrue(records.stream().allMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals("cam-0")));
        assertTrue(records.stream().allMatch(r -> r.value().length > 1000), "JPEG frames");
    }
}
