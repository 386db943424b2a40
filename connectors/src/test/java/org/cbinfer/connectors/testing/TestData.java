package org.cbinfer.connectors.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the real test material, looking in order at {@code $CBINFER_DATA}, {@code ../shared/data}
 * beside the project root (the folder with {@code mvnw}), and {@code <project>/data} (where
 * {@code bin/fetch-data} puts it by default).
 */
public final class TestData {
    private TestData() {}

    /** The data directory: the first candidate that holds a {@code video/} folder. */
    public static Path root() {
        Path project = projectRoot();
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("CBINFER_DATA");
        if (env != null && !env.isBlank()) candidates.add(Paths.get(env));
        candidates.add(project.resolve("../shared/data"));
        candidates.add(project.resolve("data"));
        for (Path p : candidates) {
            if (Files.isDirectory(p.resolve("video"))) return p.toAbsolutePath().normalize();
        }
        throw new IllegalStateException("test data not found; looked in " + candidates
                + ". Put ../shared/data beside the project, set CBINFER_DATA, or run bin/fetch-data");
    }

    /** A file under the data directory, which must exist. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing test data file " + p
                    + (relative.startsWith("golden/") ? " (golden files come with ../shared/data only)" : ""));
        }
        return p;
    }

    /** The project root (the folder with mvnw), found upwards from the working directory. */
    public static Path projectRoot() {
        Path start = Paths.get("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw"))) return p;
        }
        throw new IllegalStateException("project root (with mvnw) not found above " + start);
    }
}
