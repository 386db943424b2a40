package org.cbinfer.job.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.cbinfer.connectors.kafka.contract.FrameHeaders;

/**
 * What the embedded demo keeps of a run, in its run directory, one JSON document per line: {@code results.jsonl}
 * (the job's results), {@code dead-letters.jsonl} (the reason of each dead letter, naming camera and source
 * position) and {@code camera-metrics.jsonl} (the per-camera figures). Frames themselves are not kept.
 */
final class RunFiles implements AutoCloseable {
    private final BufferedWriter results, deadLetters, metrics;

    RunFiles(Path dir) throws IOException {
        results = open(dir.resolve("results.jsonl"));
        deadLetters = open(dir.resolve("dead-letters.jsonl"));
        metrics = open(dir.resolve("camera-metrics.jsonl"));
    }

    private static BufferedWriter open(Path file) throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Appends a record of the results, dead-letter or metrics topic; frames are skipped. */
    void write(ConsumerRecord<byte[], byte[]> r) throws IOException {
        switch (r.topic()) {
            case EmbeddedDemo.RESULTS -> line(results, r.value());
            case EmbeddedDemo.METRICS -> line(metrics, r.value());
            case EmbeddedDemo.DEAD_LETTERS -> {
                Header reason = r.headers().lastHeader(FrameHeaders.DEAD_LETTER_REASON);
                if (reason != null) line(deadLetters, reason.value());
            }
            default -> { }
        }
    }

    private static void line(BufferedWriter w, byte[] json) throws IOException {
        if (json == null) return;
        w.write(new String(json, StandardCharsets.UTF_8));
        w.newLine();
    }

    @Override
    public void close() throws IOException {
        try (results; deadLetters; metrics) {
            results.flush();
        }
    }
}
