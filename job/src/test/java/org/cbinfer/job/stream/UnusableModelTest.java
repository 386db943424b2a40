package org.cbinfer.job.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.cbinfer.job.Cli;
import org.cbinfer.testkit.KafkaBroker;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that cannot be used is an error no restart can fix: {@code job} and {@code submit} refuse it before
 * anything runs, and a job that meets it anyway (the file changed after submission) fails at once with the
 * model's error as its root cause instead of restarting forever.
 */
class UnusableModelTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path tmp;

    /** The first 200 bytes of PoseNet's model.json: valid as a file, not as a model. */
    private Path truncatedModel() throws Exception {
        Path truncated = tmp.resolve("truncated-model.json");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(TestData.file("models/tfjs/posenet.json")), 200));
        return truncated;
    }

    private Path config(Path model) throws Exception {
        Path yaml = tmp.resolve("job.yaml");
        Files.writeString(yaml, "kafka: {bootstrap: '" + KAFKA.bootstrapServers() + "'}\nmodel: {path: '" + model + "'}\n");
        return yaml;
    }

    @Test
    void jobAndSubmitRefuseTheModelWithItsErrorBeforeRunningAnything() throws Exception {
        Path yaml = config(truncatedModel());
        Path anyJar = Files.writeString(tmp.resolve("job.jar"), "not used: the model is checked first");
        for (List<String> command : List.of(List.of("job", "--config", yaml.toString()),
                List.of("submit", "--config", yaml.toString(), "--jar", anyJar.toString(), "--rest", "http://127.0.0.1:1"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code = Cli.run(command, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String message = err.toString(StandardCharsets.UTF_8);
            assertTrue(code != 0, command.get(0) + " exited 0: " + out);
            assertTrue(message.contains("truncated-model.json"), command.get(0) + ": " + message);
            assertTrue(!message.contains("Exception"), command.get(0) + " prints a message, not an exception: " + message);
        }
    }

    @Test
    void aJobThatMeetsAnUnusableModelFailsAtOnceWithTheModelErrorAsRootCause() throws Exception {
        KAFKA.createTopic("um-frames", 1);
        JobConfig config = JobRuns.config(tmp, KAFKA, "um-frames", "um-results", 1, false, "model.path=" + truncatedModel());
        Configuration conf = new Configuration();
        // a restart strategy that would retry for ever: only a failure that suppresses restarts ends the job
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamingJob.build(env, config);
        JobClient job = env.executeAsync("unusable-model");
        Throwable failure = null;
        try {
            // an upper bound on a condition: the job ends by itself or the test fails
            job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            failure = e;
        }
        assertEquals(JobStatus.FAILED, job.getJobStatus().get(1, TimeUnit.MINUTES));
        assertTrue(failure != null, "the job ended without an error");
        String chain = ExceptionUtils.stringifyException(failure);
        assertTrue(chain.contains("cannot be used") && chain.contains("truncated-model.json"), chain);
    }
}
