package org.cbinfer.job.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.cbinfer.kernels.cb.Thresholds;
import picocli.CommandLine.Option;

/**
 * {@code --threshold T} or {@code --thresholds FILE}, one or the other: an exclusive argument group. What applies
 * when neither is given differs between commands, so each command says it in the group's heading.
 */
public final class ThresholdChoice {
    @Option(names = "--threshold", paramLabel = "T",
            description = "the change threshold of every layer, >= 0 (0 reproduces the dense outputs exactly)")
    private Float threshold;

    @Option(names = "--thresholds", paramLabel = "FILE",
            description = "per-layer thresholds: a JSON file {\"default\": T, \"layers\": {\"<node>\": T}} (node names as"
                    + " 'inspect' prints them; 'tune' writes one, e.g. conf/thresholds/posenet-vtest-385x385.json)")
    private Path file;

    /**
     * The thresholds chosen by {@code choice}, or every layer at {@code fallback} when it is null (picocli leaves a
     * group null when none of its options was given).
     */
    public static Thresholds resolve(ThresholdChoice choice, float fallback) throws IOException {
        if (choice != null && choice.file != null) return Thresholds.read(choice.file);
        try {
            return Thresholds.uniform(choice != null && choice.threshold != null ? choice.threshold : fallback);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--threshold: " + e.getMessage());
        }
    }

    /** The uniform threshold given, or null. */
    public Float threshold() {
        return threshold;
    }

    /** The thresholds file given, or null. */
    public Path file() {
        return file;
    }

    /** What was given, for a report's title: the file, or {@code threshold T}. */
    public String describe() {
        return file != null ? file.toString() : "threshold " + threshold;
    }
}
