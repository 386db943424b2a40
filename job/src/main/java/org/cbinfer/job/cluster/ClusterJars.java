package org.cbinfer.job.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The jars of the local cluster's processes, resolved by Maven from {@code conf/cluster/pom.xml} (profile
 * {@code flink}: JobManager and TaskManager; profile {@code kafka}: the broker) into
 * {@code target/cluster-lib/<profile>} of the project. Resolved once; a directory is complete when its
 * marker file is there, so an interrupted resolution is redone.
 */
public final class ClusterJars {
    private static final String COMPLETE = ".complete";

    private final Path home;

    /** @param home the project directory (holds {@code mvnw} and {@code conf/cluster/pom.xml}) */
    public ClusterJars(Path home) {
        this.home = home;
    }

    /** The Flink jars (JobManager, TaskManager, CLI), resolving them first if needed. */
    public Path flink() throws IOException, InterruptedException {
        return resolve("flink");
    }

    /** The Kafka broker's jars, resolving them first if needed. */
    public Path kafka() throws IOException, InterruptedException {
        return resolve("kafka");
    }

    /** {@code dir/*}: a classpath of every jar in {@code dir}. */
    public static String classpath(Path dir) {
        return dir.toAbsolutePath() + "/*";
    }

    private Path resolve(String profile) throws IOException, InterruptedException {
        Path dir = home.resolve("target/cluster-lib").resolve(profile);
        if (Files.exists(dir.resolve(COMPLETE))) return dir;
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) Files.delete(p);
        }
        Path log = dir.resolveSibling(profile + "-resolve.log");
        List<String> cmd = new ArrayList<>(List.of(home.resolve("mvnw").toString(), "-q", "-B", "-ntp",
                "-f", home.resolve("conf/cluster/pom.xml").toString(), "-P", profile,
                "dependency:copy-dependencies", "-DincludeScope=runtime", "-DoutputDirectory=" + dir.toAbsolutePath()));
        if (Boolean.getBoolean("cbinfer.maven.offline")) cmd.add(1, "-o");
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("resolving the cluster's " + profile + " jars took over 10 minutes (see " + log + ")");
        }
        if (p.exitValue() != 0) {
            throw new IOException("resolving the cluster's " + profile + " jars failed: " + String.join(" ", cmd)
                    + " exited with " + p.exitValue() + "\n" + Files.readString(log));
        }
        Files.writeString(dir.resolve(COMPLETE), "resolved by " + String.join(" ", cmd) + "\n");
        return dir;
    }
}
