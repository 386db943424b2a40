package org.cbinfer.job.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.cbinfer.connectors.frame.RgbImage;
import org.cbinfer.testkit.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once: the job fails once mid-stream (after checkpoints were taken), restarts (fixed-delay, 1
 * attempt) from the last checkpoint, and its committed results equal a failure-free run's frame by frame.
 */
class ExactlyOnceRecoveryTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int PER_CAMERA = 10;

    @Test
    void failureAndRecoveryGiveTheSameCommittedResults(@TempDir Path tmp) throws Exception {
        KAFKA.createTopic("eo-frames", 2);
        KAFKA.createTopic("eo-reference", 2);
        KAFKA.createTopic("eo-results", 2);
        KAFKA.createTopic("eo-reference-dead", 1);
        KAFKA.createTopic("eo-results-dead", 1);
        List<RgbImage> images = JobRuns.images(PER_CAMERA + 1);
        JobRuns.produce(KAFKA, "eo-frames", images, 0, PER_CAMERA);
        int frames = JobRuns.CAMERAS.size() * PER_CAMERA;

        long t0 = System.nanoTime();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Unbounded runs, cancelled once all results are committed: a bounded run at times finishes while
        // its last checkpoint is declined, leaving the last transaction uncommitted (see RescaleFromSavepointTest).
        StreamingJob.build(env, JobRuns.config(tmp, KAFKA, "eo-frames", "eo-reference", 2, false));
        org.apache.flink.core.execution.JobClient reference0 = env.executeAsync("eo-reference");
        Map<String, List<JsonNode>> reference = JobRuns.committed(KAFKA, "eo-reference", frames, Duration.ofMinutes(3));   // an upper bound on a condition: loaded machines are slow
        reference0.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
        long t1 = System.nanoTime();

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        int failuresBefore = StreamingJob.FailOnce.FAILURES.get();
        StreamExecutionEnvironment failing = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamingJob.build(failing, JobRuns.config(tmp, KAFKA, "eo-frames", "eo-results", 2, false,
                "testing.failAfterFrames=" + (PER_CAMERA / 2)));
        org.apache.flink.core.execution.JobClient failing0 = failing.executeAsync("eo-failing");
        Map<String, List<JsonNode>> recovered = JobRuns.committed(KAFKA, "eo-results", frames, Duration.ofMinutes(3));   // an upper bound on a condition: loaded machines are slow
        failing0.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
        long t2 = System.nanoTime();
        System.out.printf("reference run %.1f s, run with a failure %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        assertTrue(StreamingJob.FailOnce.FAILURES.get() > failuresBefore, "the job failed once mid-stream");

        assertEquals(frames, JobRuns.count(reference), "reference results");
        JobRuns.assertSameResults(reference, recovered);
        for (List<JsonNode> list : recovered.values()) {
            for (int k = 0; k < list.size(); k++) {
                assertEquals(k == 0, list.get(k).get("stats").get("keyframe").asBoolean(), "keyframe only first: " + list.get(k));
            }
        }
    }
}
