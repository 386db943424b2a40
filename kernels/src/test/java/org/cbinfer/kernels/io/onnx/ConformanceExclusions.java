package org.cbinfer.kernels.io.onnx;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ONNX conformance cases that do not apply to this engine, with the reason each:
 * {@code onnx/conformance-exclusions.txt}, lines of {@code <suite>/<case> <reason>}, {@code #} comments.
 */
final class ConformanceExclusions {
    private static final String RESOURCE = "/onnx/conformance-exclusions.txt";

    private ConformanceExclusions() {}

    /** Reasons by case id ({@code suite/name}). */
    static Map<String, String> load() {
        Map<String, String> m = new LinkedHashMap<>();
        try (InputStream in = ConformanceExclusions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing test resource " + RESOURCE);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] parts = line.split("\\s+", 2);
                if (parts.length < 2) throw new IllegalStateException(RESOURCE + ": no reason given for " + parts[0]);
                if (m.put(parts[0], parts[1]) != null) throw new IllegalStateException(RESOURCE + ": " + parts[0] + " listed twice");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(m);
    }
}
