package org.cbinfer.kernels.cb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Change-detection thresholds of the change-based layers: one per layer (by node name), with a default
 * for layers not listed. A pixel counts as changed when its largest channel difference from the committed
 * input exceeds the threshold (strictly). Files look like
 * {@code {"default": 0.02, "layers": {"conv1": 0.05, ...}}}.
 */
public final class Thresholds {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final float defaultValue;
    private final Map<String, Float> layers;

    private Thresholds(float defaultValue, Map<String, Float> layers) {
        check("default", defaultValue);
        layers.forEach(Thresholds::check);
        this.defaultValue = defaultValue;
        this.layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    private static void check(String layer, float v) {
        if (!(v >= 0f) || Float.isInfinite(v)) {
            throw new IllegalArgumentException("threshold of " + layer + " must be finite and >= 0, got " + v);
        }
    }

    /** The same threshold everywhere; 0 makes the change-based pass reproduce the dense one. */
    public static Thresholds uniform(float threshold) {
        return new Thresholds(threshold, Map.of());
    }

    public static Thresholds of(float defaultValue, Map<String, Float> layers) {
        return new Thresholds(defaultValue, layers);
    }

    public float of(String layer) {
        return layers.getOrDefault(layer, defaultValue);
    }

    public float defaultValue() {
        return defaultValue;
    }

    public Map<String, Float> layers() {
        return layers;
    }

    /** A copy with one layer's threshold replaced. */
    public Thresholds with(String layer, float value) {
        Map<String, Float> m = new LinkedHashMap<>(layers);
        m.put(layer, value);
        return new Thresholds(defaultValue, m);
    }

    /** Every threshold multiplied by a factor (for trade-off sweeps). */
    public Thresholds scaled(float factor) {
        Map<String, Float> m = new LinkedHashMap<>();
        layers.forEach((k, v) -> m.put(k, v * factor));
        return new Thresholds(defaultValue * factor, m);
    }

    public static Thresholds read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        if (root == null || !root.isObject()) throw new IOException(file + ": expected a JSON object");
        JsonNode d = root.get("default");
        Map<String, Float> m = new LinkedHashMap<>();
        JsonNode l = root.get("layers");
        if (l != null) {
            if (!l.isObject()) throw new IOException(file + ": 'layers' must map layer names to numbers");
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNumber()) throw new IOException(file + ": threshold of " + e.getKey() + " is not a number");
                m.put(e.getKey(), e.getValue().floatValue());
            }
        }
        if (d != null && !d.isNumber()) throw new IOException(file + ": 'default' is not a number");
        try {
            return new Thresholds(d == null ? 0f : d.floatValue(), m);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    public void write(Path file) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson());
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("default", defaultValue);
        ObjectNode l = root.putObject("layers");
        layers.forEach(l::put);
        return root;
    }

    @Override
    public String toString() {
        return "Thresholds{default=" + defaultValue + ", layers=" + layers + "}";
    }
}
