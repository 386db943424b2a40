package org.cbinfer.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the sample material lives: {@code $CBINFER_DATA}, else {@code ../shared/data} beside the project,
 * else {@code data/} in the project (what {@code bin/fetch-data} fills).
 */
public final class DataPaths {
    private DataPaths() {}

    public static Path root() {
        String env = System.getenv("CBINFER_DATA");
        Path home = Paths.get(System.getProperty("cbinfer.home", ".")).toAbsolutePath().normalize();
        Path[] candidates = {env == null ? null : Paths.get(env), home.resolve("../shared/data"), home.resolve("data")};
        for (Path p : candidates) {
            if (p != null && Files.isDirectory(p.resolve("models"))) return p.normalize();
        }
        throw new Args.UsageException("sample data not found (looked in $CBINFER_DATA, " + home.resolve("../shared/data").normalize()
                + ", " + home.resolve("data") + "): run bin/fetch-data, or pass --model and --video");
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }
}
