package org.cbinfer.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the sample material lives: {@code $CBINFER_DATA}, else {@code data/} in the project (what
 * {@code bin/fetch-data} fills).
 */
public final class DataPaths {
    private DataPaths() {}

    public static Path root() {
        String env = System.getenv("CBINFER_DATA");
        Path home = projectHome();
        Path[] candidates = {env == null ? null : Paths.get(env), home.resolve("data")};
        for (Path p : candidates) {
            if (p != null && Files.isDirectory(p.resolve("models"))) return p.normalize();
        }
        throw new UsageException("sample data not found (looked in $CBINFER_DATA, " + home.resolve("data")
                + "): run bin/fetch-data (bin/cbinfer demo fetches it on first use)");
    }

    /**
     * The project folder: {@code -Dcbinfer.home} when set (bin/cbinfer sets it), else the first folder
     * holding {@code mvnw} above the working directory or above this class's jar.
     */
    static Path projectHome() {
        String prop = System.getProperty("cbinfer.home");
        if (prop != null) return Paths.get(prop).toAbsolutePath().normalize();
        Path fromCwd = findUp(Paths.get("").toAbsolutePath());
        if (fromCwd != null) return fromCwd;
        try {
            Path jar = Paths.get(DataPaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path fromJar = findUp(jar);
            if (fromJar != null) return fromJar;
        } catch (Exception e) {
            // no code source (unusual class loader): fall back to the working directory
        }
        return Paths.get("").toAbsolutePath();
    }

    private static Path findUp(Path start) {
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw"))) return p;
        }
        return null;
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }
}
