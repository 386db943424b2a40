package org.cbinfer.kernels.cb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form shared by per-layer settings files ({@link Thresholds}, {@link DenseFallback}):
 * {@code {"default": x, "layers": {"name": y, ...}}}, plus whatever other keys a setting adds. Reading checks
 * the form and names the file and the key at fault.
 */
final class LayerValuesFile {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A file's root object, its default (null when absent) and its per-layer numbers in file order. */
    record Parsed(ObjectNode root, JsonNode defaultValue, Map<String, Double> layers) {}

    private LayerValuesFile() {}

    /** @param what what the numbers are, for messages ("threshold", "break-even") */
    static Parsed read(Path file, String what) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        if (root == null || !root.isObject()) throw new IOException(file + ": expected a JSON object");
        Map<String, Double> m = new LinkedHashMap<>();
        JsonNode l = root.get("layers");
        if (l != null) {
            if (!l.isObject()) throw new IOException(file + ": 'layers' must map layer names to numbers");
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNumber()) throw new IOException(file + ": " + what + " of " + e.getKey() + " is not a number");
                m.put(e.getKey(), e.getValue().doubleValue());
            }
        }
        JsonNode d = root.get("default");
        if (d != null && !d.isNumber()) throw new IOException(file + ": 'default' is not a number");
        return new Parsed((ObjectNode) root, d, m);
    }

    /**
     * The root object with {@code default} and {@code layers}; the caller may add keys. Floats are written as
     * floats (0.02f as 0.02, not as the double nearest to it).
     */
    static ObjectNode toJson(Number defaultValue, Map<String, ? extends Number> layers) {
        ObjectNode root = JSON.createObjectNode();
        put(root, "default", defaultValue);
        ObjectNode l = root.putObject("layers");
        layers.forEach((k, v) -> put(l, k, v));
        return root;
    }

    private static void put(ObjectNode o, String key, Number v) {
        if (v instanceof Float f) {
            o.put(key, f);
        } else {
            o.put(key, v.doubleValue());
        }
    }

    static void write(Path file, ObjectNode json) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
    }
}
