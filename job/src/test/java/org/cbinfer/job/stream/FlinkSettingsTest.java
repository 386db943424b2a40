package org.cbinfer.job.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallelism and checkpointing: what the job config sets wins; what it leaves out comes from Flink's own
 * configuration (a cluster's config.yaml, {@code flink run -p}); what neither sets has the job's defaults.
 */
class FlinkSettingsTest {
    @TempDir
    Path tmp;

    private JobConfig config(String... overrides) throws Exception {
        Path model = Files.writeString(tmp.resolve("model.json"), "{}");
        Path yaml = Files.writeString(tmp.resolve("job.yaml"), "model:\n  path: " + model + "\n");
        return JobConfig.load(yaml, List.of(overrides));
    }

    private static StreamExecutionEnvironment flinkWith(int parallelism, Duration interval, String dir) {
        Configuration flink = new Configuration();
        flink.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        return StreamExecutionEnvironment.getExecutionEnvironment(flink);
    }

    @Test
    void aJobConfigWithoutThemTakesFlinksParallelismAndCheckpointing() throws Exception {
        StreamExecutionEnvironment env = flinkWith(3, Duration.ofMillis(1234), "file:///flink/checkpoints");
        StreamingJob.build(env, config());
        assertEquals(3, env.getParallelism());
        assertEquals(1234, env.getCheckpointInterval());
        assertEquals("file:///flink/checkpoints", env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    }

    @Test
    void whatTheJobConfigSetsWins() throws Exception {
        StreamExecutionEnvironment env = flinkWith(3, Duration.ofMillis(1234), "file:///flink/checkpoints");
        StreamingJob.build(env, config("parallelism=2", "checkpointing.intervalMs=500",
                "checkpointing.dir=file:///job/checkpoints"));
        assertEquals(2, env.getParallelism());
        assertEquals(500, env.getCheckpointInterval());
        assertEquals("file:///job/checkpoints", env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    }

    @Test
    void withNeitherTheJobCheckpointsEveryTenSecondsToTheTempDir() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        StreamingJob.build(env, config());
        assertEquals(JobConfig.Checkpointing.DEFAULT_INTERVAL_MS, env.getCheckpointInterval());
        assertEquals(JobConfig.Checkpointing.defaultDir(), env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    }
}
