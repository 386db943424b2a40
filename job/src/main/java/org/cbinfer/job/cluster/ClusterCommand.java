package org.cbinfer.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.job.stream.JobConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cluster start|stop|status|stop-job}: the local session cluster of {@link LocalCluster} (Flink
 * JobManager + TaskManager and a Kafka broker as separate processes on loopback), and stopping a job
 * with a savepoint. Each action is a subcommand; without one, picocli reports it missing (exit code 2).
 */
@Command(name = "cluster", header = "start|stop|status a local Flink session cluster + Kafka broker; stop-job with a savepoint.",
        description = "The cluster: a Flink JobManager, a TaskManager and a Kafka broker, each a process on localhost, from"
                + " the build's Flink and Kafka jars (conf/cluster/).")
public final class ClusterCommand {
    private final PrintStream out;

    public ClusterCommand(PrintStream out) {
        this.out = out;
    }

    /** {@code --dir}, which every action takes. */
    static final class RunDir {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "run directory: config, logs, Kafka data, checkpoints, savepoints (default: target/cluster of the project)")
        private Path dir;

        Path resolve(Path home) {
            return dir != null ? dir : home.resolve("target/cluster");
        }
    }

    @Command(name = "start", description = "Start a Kafka broker, a Flink JobManager and a TaskManager as processes on localhost,"
            + " create the job's topics (from --config) and return once all are up.")
    int start(@Mixin RunDir runDir,
              @Option(names = "--rest-port", paramLabel = "N", description = "Flink REST/dashboard port (default: 8081)") Integer restPort,
              @Option(names = "--rpc-port", paramLabel = "N", description = "Flink JobManager RPC port (default: 6123)") Integer rpcPort,
              @Option(names = "--kafka-port", paramLabel = "N", description = "Kafka listener port (default: 9092)") Integer kafkaPort,
              @Option(names = "--controller-port", paramLabel = "N", description = "Kafka controller port (default: 9093)") Integer controllerPort,
              @Option(names = "--free-ports", description = "pick free ports instead, shown by start and status (default: the ports above)")
              boolean freePorts,
              @Option(names = "--config", paramLabel = "FILE", description = "job config whose topics to create (default: conf/job.yaml)")
              Path config,
              @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
                      description = "partitions of the frames and results topics (default: ${DEFAULT-VALUE})") int partitions)
            throws Exception {
        Path home = LocalCluster.home();
        LocalCluster.Builder b = LocalCluster.builder(home).runDir(runDir.resolve(home));
        if (freePorts) b.freePorts();
        if (restPort != null) b.restPort(restPort);
        if (rpcPort != null) b.rpcPort(rpcPort);
        if (kafkaPort != null) b.kafkaPort(kafkaPort);
        if (controllerPort != null) b.controllerPort(controllerPort);
        JobConfig.Topics topics = topicsOf(config != null ? config : home.resolve("conf/job.yaml"), out);
        if (partitions < 1) throw new UsageException("--partitions expects a count >= 1, got " + partitions);
        LocalCluster cluster = b.build();
        cluster.start(out);
        createTopics(cluster.bootstrapServers(), topics, partitions, out);
        out.println("next: bin/cbinfer submit --config conf/job.yaml --rest " + cluster.restUrl()
                + " --set kafka.bootstrap=" + cluster.bootstrapServers());
        return 0;
    }

    @Command(name = "stop", description = "Stop every process of the cluster (TaskManager, JobManager, broker).")
    int stop(@Mixin RunDir runDir) throws Exception {
        Path home = LocalCluster.home();
        Path dir = runDir.resolve(home);
        // by run directory only: also ends processes whose cluster.properties is gone
        LocalCluster.builder(home).runDir(dir).build().stop(out);
        out.println("cluster in " + dir + " stopped");
        return 0;
    }

    @Command(name = "status", description = "The cluster's processes, endpoints and jobs.")
    int status(@Mixin RunDir runDir) throws Exception {
        Path home = LocalCluster.home();
        LocalCluster cluster = LocalCluster.attach(home, runDir.resolve(home));
        List<ProcessHandle> processes = cluster.processes();
        out.println("run directory " + cluster.runDir() + ": " + processes.size() + " process(es)");
        for (ProcessHandle p : processes) {
            out.println("  pid " + p.pid() + " " + p.info().arguments().map(a -> List.of(a).stream()
                    .filter(s -> s.startsWith("-Dcbinfer.cluster.role=")).findFirst().orElse("?")).orElse("?")
                    .replace("-Dcbinfer.cluster.role=", ""));
        }
        out.println("Flink " + cluster.restUrl() + ", Kafka " + cluster.bootstrapServers());
        for (JsonNode j : new FlinkRest(cluster.restUrl()).jobs()) {
            out.println("  job " + j.path("jid").asText() + " " + j.path("state").asText() + " " + j.path("name").asText());
        }
        return 0;
    }

    @Command(name = "stop-job", description = "Stop a running job with a savepoint and print the savepoint's path (resume it:"
            + " submit --from-savepoint).")
    int stopJob(@Mixin RunDir runDir,
                @Option(names = "--job", paramLabel = "ID", description = "the job (default: the only running one)") String job,
                @Option(names = "--savepoint-dir", paramLabel = "DIR",
                        description = "where to write the savepoint (default: <run dir>/savepoints)") Path savepointDir)
            throws Exception {
        Path home = LocalCluster.home();
        LocalCluster cluster = LocalCluster.attach(home, runDir.resolve(home));
        FlinkRest flink = new FlinkRest(cluster.restUrl());
        String id = job != null ? job : onlyRunningJob(flink);
        String target = (savepointDir != null ? savepointDir : cluster.savepointDir()).toAbsolutePath().toUri().toString();
        String savepoint = flink.stopWithSavepoint(id, target, Duration.ofMinutes(5));
        out.println("job " + id + " stopped; savepoint:");
        out.println(savepoint);
        return 0;
    }

    /**
     * Creates every topic a job config names: frames and results with {@code partitions}, dead letters and the
     * per-camera metrics (when named) with one.
     */
    public static void createTopics(String bootstrap, JobConfig.Topics topics, int partitions, PrintStream out) throws Exception {
        KafkaTopics.create(bootstrap, List.of(topics.frames, topics.results), partitions);
        KafkaTopics.create(bootstrap, List.of(topics.deadLetters), 1);
        out.printf("topics %s, %s (%d partitions), %s (1)", topics.frames, topics.results, partitions, topics.deadLetters);
        if (topics.metrics != null && !topics.metrics.isBlank()) {
            KafkaTopics.create(bootstrap, List.of(topics.metrics), 1);
            out.printf(", %s (1)", topics.metrics);
        }
        out.println();
    }

    /** The config's topic names; the defaults (with a warning) when it cannot be read. */
    private static JobConfig.Topics topicsOf(Path file, PrintStream out) {
        try {
            return JobConfig.topics(file);
        } catch (JobConfig.ConfigException e) {
            out.println("warning: " + e.getMessage() + "; creating the default topics");
            return new JobConfig.Topics();
        }
    }

    private static String onlyRunningJob(FlinkRest flink) throws Exception {
        List<String> running = flink.jobs().stream().filter(j -> j.path("state").asText().equals("RUNNING"))
                .map(j -> j.path("jid").asText()).toList();
        if (running.size() != 1) throw new UsageException(running.size() + " running jobs " + running + ": give --job ID");
        return running.get(0);
    }
}
