package org.cbinfer.job.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cbinfer.job.cli.Args;
import org.cbinfer.job.stream.JobConfig;
import org.cbinfer.job.stream.StreamingJob;

/**
 * {@code submit}: uploads the shaded job jar to a Flink cluster through its REST API and runs
 * {@link StreamingJob} there, optionally from a savepoint. The configuration is checked here first (an
 * error names the key), and relative file paths in it are made absolute, because the job's main method
 * runs on the JobManager, whose working directory is not this one: the config file, the model and the
 * thresholds file must be at the same paths on the JobManager and TaskManagers (true on a local cluster;
 * docker-compose mounts them at the same paths).
 */
public final class SubmitCommand {
    public static final String USAGE = String.join("\n",
            "submit --config FILE [--set key.path=value]... [--rest URL] [--jar FILE] [--from-savepoint PATH]",
            "  uploads the shaded job jar to a Flink cluster (REST API) and runs the streaming job; prints the job id",
            "  --config          the job configuration (conf/job.yaml documents every key)",
            "  --set             override one key of it, repeatable",
            "  --rest            the JobManager's REST endpoint (default http://localhost:8081)",
            "  --jar             the job jar (default job/target/cbinfer-job-*-shaded.jar)",
            "  --from-savepoint  start from this savepoint (or retained checkpoint)",
            "  --wait            seconds to wait for all the job's tasks to run (default 120; 0: do not wait)");

    static final String ENTRY_CLASS = StreamingJob.class.getName();
    private static final Set<String> WITH_VALUE = Set.of("config", "rest", "jar", "from-savepoint", "wait");

    private SubmitCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        List<String> sets = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--set")) {
                if (i + 1 >= argv.size()) throw new Args.UsageException("option --set needs a value");
                sets.add(argv.get(++i));
            } else if (a.startsWith("--set=")) {
                sets.add(a.substring("--set=".length()));
            } else {
                rest.add(a);
            }
        }
        Args args = Args.parse(rest, WITH_VALUE, Set.of());
        Path config = Path.of(args.require("config"));
        Path jar = args.has("jar") ? Path.of(args.get("jar", null)) : shadedJar(LocalCluster.home());
        FlinkRest flink = new FlinkRest(args.get("rest", "http://localhost:8081"));
        String jobId = submit(flink, jar, config, sets, args.get("from-savepoint", null));
        out.println("submitted " + jar.getFileName() + " to " + flink.baseUrl() + ": job " + jobId);
        int wait = args.intValue("wait", 120);
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
     */
    public static String submit(FlinkRest flink, Path jar, Path config, List<String> overrides, String savepoint)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) throw new Args.UsageException("no job jar at " + jar + " (build it: ./mvnw -B -DskipTests package)");
        JobConfig checked;
        try {
            checked = JobConfig.load(config, overrides);
            // a model the tasks cannot load would only restart them: refuse it here, with its error
            checked.checkModel();
        } catch (JobConfig.ConfigException e) {
            throw new Args.UsageException(e.getMessage());
        }
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
        throw new Args.UsageException("no " + target + "/cbinfer-job-*-shaded.jar: build it (./mvnw -B -DskipTests package) or give --jar");
    }
}
