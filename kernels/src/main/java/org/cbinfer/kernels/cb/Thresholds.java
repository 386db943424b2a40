package org.cbinfer.kernels.cb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Change-detection thresholds of the change-based layers: one per layer (by node name), with a default
 * for layers not listed. A pixel counts as changed when its largest channel difference from the committed
 * input exceeds the threshold (strictly). Files look like
 * {@code {"default": 0.02, "layers": {"conv1": 0.05, ...}}}.
 */
public final class Thresholds {

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
        LayerValuesFile.Parsed f = LayerValuesFile.read(file, "threshold");
        Map<String, Float> m = new LinkedHashMap<>();
        f.layers().forEach((k, v) -> m.put(k, v.floatValue()));
        try {
            return new Thresholds(f.defaultValue() == null ? 0f : f.defaultValue().floatValue(), m);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    public void write(Path file) throws IOException {
        LayerValuesFile.write(file, toJson());
    }

    public ObjectNode toJson() {
        return LayerValuesFile.toJson(defaultValue, layers);
    }

    @Override
    public String toString() {
        return "Thresholds{default=" + defaultValue + ", layers=" + layers + "}";
    }
}
