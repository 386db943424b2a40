package org.cbinfer.job.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.job.stream.JobArguments;
import org.cbinfer.job.stream.JobConfig;
import org.cbinfer.job.stream.StreamingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code submit}: uploads the shaded job jar to a Flink cluster through its REST API and runs
 * {@link StreamingJob} there, optionally from a savepoint. The configuration is checked here first (an
 * error names the key), and relative file paths in it are made absolute, because the job's main method
 * runs on the JobManager, whose working directory is not this one: the config file, the model and the
 * thresholds file must be at the same paths on the JobManager and TaskManagers (true on a local cluster;
 * docker-compose mounts them at the same paths).
 */
@Command(name = "submit", header = "Submit the job jar to a Flink cluster (REST), optionally from a savepoint.",
        description = {
        "Upload the shaded job jar to a Flink cluster (REST API) and run the streaming job there, optionally from a"
                + " savepoint; prints the job id. The configuration and the model are checked here first; relative paths in"
                + " it are made absolute, because the job's main method runs on the JobManager."})
public final class SubmitCommand implements Callable<Integer> {
    static final String ENTRY_CLASS = StreamingJob.class.getName();
    private final PrintStream out;

    @Mixin
    private JobArguments job;

    @Option(names = "--rest", paramLabel = "URL", defaultValue = "http://localhost:8081",
            description = "the JobManager's REST endpoint (default: ${DEFAULT-VALUE})")
    private String rest;

    @Option(names = "--jar", paramLabel = "FILE", description = "the job jar (default: job/target/cbinfer-job-*-shaded.jar of the project)")
    private Path jar;

    @Option(names = "--from-savepoint", paramLabel = "PATH", description = "start from this savepoint or retained checkpoint (default: a fresh start)")
    private String savepoint;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "120",
            description = "seconds to wait for all the job's tasks to run, 0 = do not wait (default: ${DEFAULT-VALUE})")
    private int wait;

    public SubmitCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Path jar = this.jar != null ? this.jar : shadedJar(LocalCluster.home());
        FlinkRest flink = new FlinkRest(rest);
        String jobId = submit(flink, jar, job.config(), job.overrides(), savepoint);
        out.println("submitted " + jar.getFileName() + " to " + flink.baseUrl() + ": job " + jobId);
        if (wait > 0) {
            flink.awaitRunning(jobId, Duration.ofSeconds(wait));
            out.println("job " + jobId + " is running (dashboard: " + flink.baseUrl() + "/#/job/running/" + jobId + "/overview)");
        }
        out.println(jobId);
        return 0;
    }

    /**
     * Checks the configuration, uploads {@code jar} and runs the job; returns its id.
     *
     * @param savepoint a savepoint to start from, or null
     * @throws JobConfig.ConfigException when the configuration or its model cannot be used
     */
    public static String submit(FlinkRest flink, Path jar, Path config, List<String> overrides, String savepoint)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) throw new UsageException("no job jar at " + jar + " (build it: ./mvnw -B -DskipTests package)");
        JobConfig checked = JobConfig.load(config, overrides);
        // a model the tasks cannot load would only restart them: refuse it here, with its error
        checked.checkModel();
        List<String> args = new ArrayList<>(List.of("--config", config.toAbsolutePath().toString()));
        for (String o : overrides) args.addAll(List.of("--set", o));
        // the main method runs on the JobManager: paths relative to this directory would not resolve there
        args.addAll(List.of("--set", "model.path=" + Path.of(checked.model.path).toAbsolutePath()));
        if (checked.thresholds.file != null) {
            args.addAll(List.of("--set", "thresholds.file=" + Path.of(checked.thresholds.file).toAbsolutePath()));
        }
        String jarId = flink.uploadJar(jar);
        return flink.run(jarId, ENTRY_CLASS, args, savepoint);
    }

    /** {@code job/target/cbinfer-job-*-shaded.jar} of the project. */
    public static Path shadedJar(Path home) throws IOException {
        Path target = home.resolve("job/target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "cbinfer-job-*-shaded.jar")) {
                for (Path j : jars) return j;
            }
        }
        throw new UsageException("no " + target + "/cbinfer-job-*-shaded.jar: build it (./mvnw -B -DskipTests package) or give --jar");
    }
}
