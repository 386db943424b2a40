package org.cbinfer.kernels.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the real test material: {@code ../shared/data} beside the project when present, else the
 * directory {@code bin/cbinfer fetch-data} fills ({@code $CBINFER_DATA}, default {@code data/} in the project).
 */
public final class TestData {
    private TestData() {}

    public static Path root() {
        String env = System.getenv("CBINFER_DATA");
        Path project = projectRoot();
        Path[] candidates = {
            env == null ? null : Paths.get(env),
            project.resolve("../shared/data"),
            project.resolve("data"),
        };
        for (Path p : candidates) {
            if (p != null && Files.isDirectory(p.resolve("models"))) return p.normalize();
        }
        throw new IllegalStateException("test data not found: expected ../shared/data beside the project, "
                + "or run 'bin/cbinfer fetch-data' (looked from " + project + ")");
    }

    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) throw new IllegalStateException("missing test data file " + p);
        return p;
    }

    /** The project root (the folder with mvnw), found upwards from the working directory. */
    public static Path projectRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("project root (with mvnw) not found above " + Paths.get("").toAbsolutePath());
        return p;
    }
}
