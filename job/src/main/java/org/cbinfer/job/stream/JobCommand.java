package org.cbinfer.job.stream;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code job}: the {@link StreamingJob} in this JVM (a local Flink environment unless a Flink client started it).
 * The model is loaded and checked against the thresholds first, so that an unusable one is a configuration error
 * (exit code 2) before anything runs, not a job that restarts.
 */
@Command(name = "job", header = "The streaming job: Kafka frames -> change-based inference -> Kafka results.",
        description = {
        "The streaming job in this process: Kafka frames -> decode (bad records to dead letters) -> keyed by camera ->"
                + " change-based inference -> PoseNet skeletons or label maps as JSON -> Kafka results (exactly once with"
                + " checkpointing.exactlyOnce), and per-camera figures to the metrics topic.",
        "On a cluster: 'flink run' the shaded jar with the same options (its main class is the job), or bin/cbinfer submit."})
public final class JobCommand implements Callable<Integer> {
    private final PrintStream out;

    @Mixin
    private JobArguments arguments;

    public JobCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        JobConfig config = arguments.load();
        config.checkModel();
        out.println("cbinfer job: " + config.topics.frames + " @ " + config.kafka.bootstrap + " -> " + config.topics.results
                + " (model " + config.model.path + ", " + config.model.kind + ")");
        StreamingJob.execute(config);
        return 0;
    }
}
