package org.cbinfer.job.stream;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The job's arguments, {@code --config FILE [--set key.path=value]...}: one definition for {@code bin/cbinfer job},
 * {@code bin/cbinfer submit} and {@link StreamingJob#main} (what {@code flink run} calls).
 */
public final class JobArguments {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "the job configuration (conf/job.yaml documents every key)")
    private Path config;

    @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
            description = "override one key of the configuration, e.g. --set kafka.bootstrap=broker:9092; repeatable (default: none)")
    private List<String> overrides = new ArrayList<>();

    /** Parses {@code args} on their own, as {@code flink run} passes them to the job's main method. */
    public static JobArguments parse(String... args) {
        JobArguments parsed = new JobArguments();
        new CommandLine(parsed).setExpandAtFiles(false).setOverwrittenOptionsAllowed(true).parseArgs(args);
        return parsed;
    }

    public Path config() {
        return config;
    }

    public List<String> overrides() {
        return overrides;
    }

    /**
     * The configuration file with the overrides applied, checked.
     *
     * @throws JobConfig.ConfigException naming every bad key
     */
    public JobConfig load() {
        return JobConfig.load(config, overrides);
    }
}
