package org.cbinfer.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.cbinfer.job.cli.Args;
import org.cbinfer.job.stream.JobConfig;

/**
 * {@code cluster start|stop|status|stop-job}: the local session cluster of {@link LocalCluster} (Flink
 * JobManager + TaskManager and a Kafka broker as separate processes on loopback), and stopping a job
 * with a savepoint.
 */
public final class ClusterCommand {
    public static final String USAGE = String.join("\n",
            "cluster start|stop|status|stop-job [options]",
            "  start     start a Kafka broker, a Flink JobManager and a TaskManager as processes on localhost,",
            "            create the job's topics (from --config) and return once all are up",
            "  stop      stop every process of the cluster (TaskManager, JobManager, broker)",
            "  status    the cluster's processes, endpoints and jobs",
            "  stop-job  stop a running job with a savepoint; prints the savepoint's path (resume: submit --from-savepoint)",
            "options:",
            "  --dir DIR            run directory: config, logs, Kafka data, checkpoints, savepoints (default target/cluster)",
            "  --rest-port N        Flink REST/dashboard port (default 8081)     --rpc-port N         (default 6123)",
            "  --kafka-port N       Kafka listener port (default 9092)           --controller-port N  (default 9093)",
            "  --free-ports         pick free ports (shown by start and status)",
            "  --config FILE        start: job config whose topics to create (default conf/job.yaml)",
            "  --partitions N       start: partitions of the frames and results topics (default 4)",
            "  --job ID             stop-job: the job (default: the only running one)",
            "  --savepoint-dir DIR  stop-job: where to write the savepoint (default <run dir>/savepoints)");

    private static final Set<String> WITH_VALUE = Set.of("dir", "rest-port", "rpc-port", "kafka-port", "controller-port",
            "config", "partitions", "job", "savepoint-dir");

    private ClusterCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        if (argv.isEmpty()) throw new Args.UsageException("cluster needs start, stop, status or stop-job");
        String action = argv.get(0);
        Args args = Args.parse(argv.subList(1, argv.size()), WITH_VALUE, Set.of("free-ports"));
        Path home = LocalCluster.home();
        Path dir = Path.of(args.get("dir", home.resolve("target/cluster").toString()));
        switch (action) {
            case "start" -> {
                LocalCluster.Builder b = LocalCluster.builder(home).runDir(dir);
                if (args.has("free-ports")) b.freePorts();
                if (args.has("rest-port")) b.restPort(args.intValue("rest-port", 0));
                if (args.has("rpc-port")) b.rpcPort(args.intValue("rpc-port", 0));
                if (args.has("kafka-port")) b.kafkaPort(args.intValue("kafka-port", 0));
                if (args.has("controller-port")) b.controllerPort(args.intValue("controller-port", 0));
                JobConfig.Topics topics = topicsOf(Path.of(args.get("config", home.resolve("conf/job.yaml").toString())), out);
                int partitions = args.intValue("partitions", 4);
                if (partitions < 1) throw new Args.UsageException("--partitions expects a count >= 1, got " + partitions);
                LocalCluster cluster = b.build();
                cluster.start(out);
                createTopics(cluster.bootstrapServers(), topics, partitions, out);
                out.println("next: bin/cbinfer submit --config conf/job.yaml --rest " + cluster.restUrl()
                        + " --set kafka.bootstrap=" + cluster.bootstrapServers());
            }
            case "stop" -> {
                // by run directory only: also ends processes whose cluster.properties is gone
                LocalCluster cluster = LocalCluster.builder(home).runDir(dir).build();
                cluster.stop(out);
                out.println("cluster in " + dir + " stopped");
            }
            case "status" -> status(LocalCluster.attach(home, dir), out);
            case "stop-job" -> {
                LocalCluster cluster = LocalCluster.attach(home, dir);
                FlinkRest flink = new FlinkRest(cluster.restUrl());
                String job = args.has("job") ? args.get("job", null) : onlyRunningJob(flink);
                String target = Path.of(args.get("savepoint-dir", cluster.savepointDir().toString())).toAbsolutePath().toUri().toString();
                String savepoint = flink.stopWithSavepoint(job, target, Duration.ofMinutes(5));
                out.println("job " + job + " stopped; savepoint:");
                out.println(savepoint);
            }
            default -> throw new Args.UsageException("unknown cluster action '" + action + "' (start, stop, status, stop-job)");
        }
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

    private static void status(LocalCluster cluster, PrintStream out) throws Exception {
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
    }

    private static String onlyRunningJob(FlinkRest flink) throws Exception {
        List<String> running = flink.jobs().stream().filter(j -> j.path("state").asText().equals("RUNNING"))
                .map(j -> j.path("jid").asText()).toList();
        if (running.size() != 1) throw new Args.UsageException(running.size() + " running jobs " + running + ": give --job ID");
        return running.get(0);
    }
}
