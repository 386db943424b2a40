package org.cbinfer.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the sample data the tests read (video, models, ONNX conformance cases, golden outputs; see docs/data.md):
 * {@code $CBINFER_DATA}, else {@code data/} in the project, which the build fills with {@code bin/fetch-data}
 * before the tests run. A file that is not there (the fetch could not get it: offline, tools missing) skips the
 * test that needs it, with the reason; with {@code CBINFER_REQUIRE_DATA=1} (CI, where nothing may be skipped) it
 * fails the test instead.
 */
public final class TestData {
    private TestData() {}

    /** The data directory; it may lack what {@link #file} checks for. */
    public static Path root() {
        String env = System.getenv("CBINFER_DATA");
        return (env == null || env.isBlank() ? projectRoot().resolve("data") : Paths.get(env)).toAbsolutePath().normalize();
    }

    /** A file or directory of the sample data; when it is missing the calling test is skipped (or fails in CI). */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (Files.exists(p)) return p;
        String why = "test data missing: " + p + " (bin/fetch-data gets it; the build runs it before the tests)";
        if ("1".equals(System.getenv("CBINFER_REQUIRE_DATA"))) {
            throw new IllegalStateException(why + "; CBINFER_REQUIRE_DATA=1 requires it");
        }
        return Assumptions.abort(why);
    }

    /** The project root (the folder with mvnw), found upwards from the working directory. */
    public static Path projectRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("project root (with mvnw) not found above " + Paths.get("").toAbsolutePath());
        return p;
    }
}
