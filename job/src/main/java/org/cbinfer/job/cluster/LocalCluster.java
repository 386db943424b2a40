package org.cbinfer.job.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Flink session cluster (one JobManager, one TaskManager) and a Kafka broker (KRaft, broker and
 * controller in one node) as three separate JVMs on loopback, from Maven-resolved jars
 * ({@link ClusterJars}): {@code bin/cbinfer cluster start|stop}, and the cluster integration test.
 *
 * <p>Everything a cluster writes is under its run directory: the effective configuration, logs
 * ({@code logs/<role>.log} and {@code .out}), Kafka's data, checkpoints, savepoints, Flink's temporary
 * files, and {@code cluster.properties} (ports and process ids), which is how a later
 * {@code cluster stop} finds the processes. Every JVM carries {@code -Dcbinfer.cluster.dir=<run dir>},
 * so that {@link #stop} only ever signals processes of this cluster, and can find any left behind.
 *
 * <p>Processes outlive the JVM that started them (their output goes to files); {@link #stop} ends them:
 * TaskManager, JobManager, then the broker, each with SIGTERM and, after a grace period, SIGKILL.
 */
public final class LocalCluster {
    private static final String MARKER = "-Dcbinfer.cluster.dir=";
    private static final String STATE = "cluster.properties";
    private static final String JOBMANAGER = "jobmanager";
    private static final String TASKMANAGER = "taskmanager";
    private static final String KAFKA = "kafka";
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final Path home;
    private final Path runDir;
    private final int restPort;
    private final int rpcPort;
    private final int kafkaPort;
    private final int controllerPort;

    private LocalCluster(Path home, Path runDir, int restPort, int rpcPort, int kafkaPort, int controllerPort) {
        this.home = home.toAbsolutePath().normalize();
        this.runDir = runDir.toAbsolutePath().normalize();
        this.restPort = restPort;
        this.rpcPort = rpcPort;
        this.kafkaPort = kafkaPort;
        this.controllerPort = controllerPort;
    }

    /** A cluster to start; defaults: Flink REST 8081, RPC 6123, Kafka 9092, controller 9093, run dir {@code target/cluster}. */
    public static Builder builder(Path home) {
        return new Builder(home);
    }

    /** The cluster started earlier in {@code runDir} (as its {@code cluster.properties} describes it). */
    public static LocalCluster attach(Path home, Path runDir) throws IOException {
        Path state = runDir.resolve(STATE);
        if (!Files.exists(state)) throw new IOException("no cluster in " + runDir.toAbsolutePath() + " (no " + STATE + ")");
        Properties p = load(state);
        return new LocalCluster(home, runDir, port(p, "rest.port"), port(p, "rpc.port"), port(p, "kafka.port"),
                port(p, "controller.port"));
    }

    /** The project directory: {@code -Dcbinfer.home} (set by bin/cbinfer), else the nearest directory above the working one holding {@code conf/cluster}. */
    public static Path home() {
        String prop = System.getProperty("cbinfer.home");
        if (prop != null) return Path.of(prop);
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("conf/cluster/pom.xml")) && Files.exists(d.resolve("mvnw"))) return d;
        }
        throw new IllegalStateException("cannot find the project directory (conf/cluster/pom.xml) from "
                + Path.of("").toAbsolutePath() + "; run bin/cbinfer from the project or set -Dcbinfer.home");
    }

    public Path runDir() {
        return runDir;
    }

    /** The Flink REST endpoint (dashboard and API). */
    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    public String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    /** Where {@code cluster stop-job} puts savepoints by default. */
    public Path savepointDir() {
        return runDir.resolve("savepoints");
    }

    /**
     * Starts the broker, the JobManager and the TaskManager, and returns once the broker answers and the
     * TaskManager has registered its slots. Fails when a cluster is already running in the run directory
     * or a port is taken; on any failure the processes started so far are stopped again.
     */
    public void start(PrintStream out) throws IOException, InterruptedException {
        if (!processes().isEmpty()) {
            throw new IllegalStateException("a cluster is already running in " + runDir + " (bin/cbinfer cluster stop first)");
        }
        for (int port : new int[] {restPort, rpcPort, kafkaPort, controllerPort}) {
            if (!isFree(port)) throw new IllegalStateException("port " + port + " on localhost is in use (choose another with the --*-port options)");
        }
        Files.createDirectories(runDir.resolve("logs"));
        Properties state = new Properties();
        state.setProperty("rest.port", Integer.toString(restPort));
        state.setProperty("rpc.port", Integer.toString(rpcPort));
        state.setProperty("kafka.port", Integer.toString(kafkaPort));
        state.setProperty("controller.port", Integer.toString(controllerPort));
        ClusterJars jars = new ClusterJars(home);
        Path flinkLib = jars.flink();
        Path kafkaLib = jars.kafka();
        long t0 = System.nanoTime();
        try {
            startKafka(kafkaLib, state, out);
            startJobManager(flinkLib, state, out);
            startTaskManager(flinkLib, state, out);
            FlinkRest rest = new FlinkRest(restUrl());
            rest.awaitSlots(1, Duration.ofSeconds(120));
            KafkaTopics.awaitBroker(bootstrapServers(), Duration.ofSeconds(60));
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(new PrintStream(OutputStream.nullOutputStream()));
            throw e;
        }
        out.printf(Locale.ROOT, "cluster up in %.1f s: Flink %s (dashboard), Kafka %s; run directory %s%n",
                (System.nanoTime() - t0) / 1e9, restUrl(), bootstrapServers(), runDir);
    }

    /** Stops every process of this cluster (also any not in {@code cluster.properties}); waits until they are gone. */
    public void stop(PrintStream out) throws IOException {
        for (String role : List.of(TASKMANAGER, JOBMANAGER, KAFKA)) {
            for (ProcessHandle p : processes()) {
                if (role.equals(roleOf(p))) terminate(p, role, out);
            }
        }
        for (ProcessHandle p : processes()) terminate(p, String.valueOf(roleOf(p)), out); // anything else of ours
        Files.deleteIfExists(runDir.resolve(STATE));
    }

    /** The live processes of this cluster (found by their {@code -Dcbinfer.cluster.dir} argument). */
    public List<ProcessHandle> processes() {
        String marker = MARKER + runDir;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(marker)).orElse(false))
                .toList();
    }

    // ------------------------------------------------------------------ processes

    private void startKafka(Path lib, Properties state, PrintStream out) throws IOException, InterruptedException {
        Properties server = load(home.resolve("conf/cluster/kafka/server.properties"));
        server.setProperty("listeners", "PLAINTEXT://localhost:" + kafkaPort + ",CONTROLLER://localhost:" + controllerPort);
        server.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + kafkaPort);
        server.setProperty("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        server.setProperty("log.dirs", runDir.resolve("kafka-data").toString());
        Path config = runDir.resolve("kafka-server.properties");
        try (OutputStream o = Files.newOutputStream(config)) {
            server.store(o, "written by bin/cbinfer cluster start from conf/cluster/kafka/server.properties");
        }
        if (!Files.exists(runDir.resolve("kafka-data/meta.properties"))) {
            String clusterId = runTool(lib, "kafka-storage-id", "kafka.tools.StorageTool", "random-uuid").strip();
            runTool(lib, "kafka-storage-format", "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString(),
                    "--standalone");
        }
        List<String> cmd = jvm(KAFKA, "512m");
        cmd.addAll(List.of("-cp", ClusterJars.classpath(lib), "kafka.Kafka", config.toString()));
        launch(KAFKA, cmd, state, out);
    }

    private void startJobManager(Path lib, Properties state, PrintStream out) throws IOException {
        List<String> cmd = jvm(JOBMANAGER, null);
        cmd.addAll(List.of("-Xmx768m", "-cp", ClusterJars.classpath(lib),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                "--configDir", home.resolve("conf/cluster/flink").toString()));
        cmd.addAll(flinkSettings());
        launch(JOBMANAGER, cmd, state, out);
    }

    private void startTaskManager(Path lib, Properties state, PrintStream out) throws IOException, InterruptedException {
        // Flink's scripts do the same: BashJavaUtils derives the JVM memory flags and the memory settings
        // from the configuration; the TaskManager refuses to start without the latter.
        List<String> probe = new ArrayList<>(List.of("-cp", ClusterJars.classpath(lib),
                "org.apache.flink.runtime.util.bash.BashJavaUtils", "GET_TM_RESOURCE_PARAMS",
                "--configDir", home.resolve("conf/cluster/flink").toString()));
        probe.addAll(flinkSettings());
        List<String> results = runTool(lib, "taskmanager-resources", probe).lines()
                .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).strip())
                .toList();
        if (results.size() < 2) throw new IOException("cannot derive the TaskManager's memory settings (see " + log("taskmanager-resources") + ")");
        List<String> cmd = jvm(TASKMANAGER, null);
        cmd.addAll(Arrays.asList(results.get(0).split("\\s+")));
        cmd.addAll(List.of("-cp", ClusterJars.classpath(lib), "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "--configDir", home.resolve("conf/cluster/flink").toString()));
        cmd.addAll(Arrays.asList(results.get(1).split("\\s+")));
        cmd.addAll(flinkSettings());
        launch(TASKMANAGER, cmd, state, out);
    }

    /** The settings that depend on this cluster's ports and run directory ({@code -D key=value}, over config.yaml). */
    private List<String> flinkSettings() {
        List<String> d = new ArrayList<>();
        String[][] settings = {
                {"rest.port", Integer.toString(restPort)},
                {"jobmanager.rpc.port", Integer.toString(rpcPort)},
                {"execution.checkpointing.dir", runDir.resolve("checkpoints").toUri().toString()},
                {"execution.checkpointing.savepoint-dir", savepointDir().toUri().toString()},
                {"io.tmp.dirs", runDir.resolve("tmp").toString()},
                {"web.tmpdir", runDir.resolve("web").toString()},
                {"web.upload.dir", runDir.resolve("web-upload").toString()},
                {"blob.storage.directory", runDir.resolve("blobs").toString()},
                {"taskmanager.resource-id", "cbinfer-taskmanager-" + rpcPort},
        };
        for (String[] s : settings) {
            d.add("-D");
            d.add(s[0] + "=" + s[1]);
        }
        return d;
    }

    /** The JVM launch prefix: java, heap (when given), Flink's Java 17 opens, logging, the cluster marker. */
    private List<String> jvm(String role, String heap) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        if (heap != null) cmd.add("-Xmx" + heap);
        cmd.addAll(FlinkJvmOptions.JAVA17_OPENS);
        cmd.add("-Dlog.file=" + log(role));
        cmd.add("-Dlog4j.configurationFile=" + home.resolve("conf/cluster/log4j2.properties").toUri());
        cmd.add("-Dlog4j2.configurationFile=" + home.resolve("conf/cluster/log4j2.properties").toUri());
        cmd.add(MARKER + runDir);
        cmd.add("-Dcbinfer.cluster.role=" + role);
        return cmd;
    }

    private void launch(String role, List<String> cmd, Properties state, PrintStream out) throws IOException {
        Path stdout = runDir.resolve("logs/" + role + ".out");
        Process p = new ProcessBuilder(cmd).directory(runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                .start();
        state.setProperty(role + ".pid", Long.toString(p.pid()));
        try (OutputStream o = Files.newOutputStream(runDir.resolve(STATE))) {
            state.store(o, "bin/cbinfer cluster: ports and processes");
        }
        out.printf("started %s (pid %d), log %s%n", role, p.pid(), log(role));
    }

    private String runTool(Path lib, String name, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("-cp", ClusterJars.classpath(lib), mainClass));
        cmd.addAll(List.of(args));
        return runTool(lib, name, cmd);
    }

    /** Runs a short-lived JVM of this cluster to completion; returns its output, fails naming its log. */
    private String runTool(Path lib, String name, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = jvm(name, "256m");
        cmd.addAll(args);
        Path outFile = runDir.resolve("logs/" + name + ".out");
        Process p = new ProcessBuilder(cmd).directory(runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(outFile.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile())).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(name + " did not finish within 2 minutes (see " + outFile + ")");
        }
        String output = Files.readString(outFile);
        if (p.exitValue() != 0) throw new IOException(name + " failed (exit " + p.exitValue() + "):\n" + output);
        return output;
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }

    private Path log(String role) {
        return runDir.resolve("logs/" + role + ".log");
    }

    private static String roleOf(ProcessHandle p) {
        return p.info().arguments().flatMap(args -> Arrays.stream(args)
                .filter(a -> a.startsWith("-Dcbinfer.cluster.role="))
                .map(a -> a.substring("-Dcbinfer.cluster.role=".length())).findFirst()).orElse(null);
    }

    private static void terminate(ProcessHandle p, String role, PrintStream out) {
        if (!p.isAlive()) return;
        long t0 = System.nanoTime();
        p.destroy();
        try {
            p.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            out.printf(Locale.ROOT, "stopped %s (pid %d) in %.1f s%n", role, p.pid(), (System.nanoTime() - t0) / 1e9);
        } catch (java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            p.onExit().join();
            out.printf("killed %s (pid %d): still running %d s after SIGTERM%n", role, p.pid(), GRACE.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isFree(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", port), 200);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A port free on loopback now (for tests and {@code --ports auto}). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    private static int port(Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        if (v == null) throw new IOException(STATE + " has no " + key);
        return Integer.parseInt(v);
    }

    /** Ports and run directory of a cluster to start. */
    public static final class Builder {
        private final Path home;
        private Path runDir;
        private int restPort = 8081;
        private int rpcPort = 6123;
        private int kafkaPort = 9092;
        private int controllerPort = 9093;

        private Builder(Path home) {
            this.home = home;
            this.runDir = home.resolve("target/cluster");
        }

        public Builder runDir(Path dir) { runDir = dir; return this; }
        public Builder restPort(int port) { restPort = check(port); return this; }
        public Builder rpcPort(int port) { rpcPort = check(port); return this; }
        public Builder kafkaPort(int port) { kafkaPort = check(port); return this; }
        public Builder controllerPort(int port) { controllerPort = check(port); return this; }

        /** Free ports for all four (tests; clusters beside others on a shared machine). */
        public Builder freePorts() {
            restPort = freePort();
            rpcPort = freePort();
            kafkaPort = freePort();
            controllerPort = freePort();
            return this;
        }

        public LocalCluster build() {
            return new LocalCluster(home, runDir, restPort, rpcPort, kafkaPort, controllerPort);
        }

        private static int check(int port) {
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1..65535, got " + port);
            return port;
        }
    }
}
