package org.cbinfer.kernels.cb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-layer thresholds: lookup, derived copies, and the JSON file format {"default": d, "layers": {name: t}}. */
class ThresholdsTest {
    @TempDir
    Path dir;

    @Test
    void unlistedLayersGetTheDefault() {
        Thresholds t = Thresholds.of(0.02f, Map.of("conv1", 0.05f));
        assertEquals(0.05f, t.of("conv1"));
        assertEquals(0.02f, t.of("conv2"));
        assertEquals(0.3f, Thresholds.uniform(0.3f).of("anything"));
    }

    @Test
    void withAndScaledReturnChangedCopies() {
        Thresholds t = Thresholds.of(0.02f, Map.of("conv1", 0.05f));
        Thresholds w = t.with("conv2", 0.1f);
        assertEquals(0.1f, w.of("conv2"));
        assertEquals(0.02f, t.of("conv2"), "the original is unchanged");
        Thresholds s = t.scaled(2f);
        assertEquals(0.04f, s.defaultValue());
        assertEquals(0.1f, s.of("conv1"));
    }

    @Test
    void writeThenReadGivesTheSameThresholds() throws IOException {
        Map<String, Float> layers = new LinkedHashMap<>();
        layers.put("conv1", 0.05f);
        layers.put("block2/conv", 0.125f);
        layers.put("head", 0f);
        Thresholds t = Thresholds.of(0.02f, layers);
        Path file = dir.resolve("th.json");
        t.write(file);
        String text = Files.readString(file);
        assertTrue(text.contains("\"default\"") && text.contains("\"layers\"") && text.contains("\"block2/conv\""), text);

        Thresholds back = Thresholds.read(file);
        assertEquals(0.02f, back.defaultValue());
        assertEquals(layers, back.layers());
        assertEquals(List.copyOf(layers.keySet()), List.copyOf(back.layers().keySet()), "layer order is kept");
    }

    @Test
    void aFileWithoutDefaultOrLayersMeansThresholdZero() throws IOException {
        Path file = write("{\"layers\": {\"c1\": 0.5}}");
        Thresholds t = Thresholds.read(file);
        assertEquals(0f, t.defaultValue());
        assertEquals(0.5f, t.of("c1"));
        assertEquals(0f, Thresholds.read(write("{}")).of("c1"));
    }

    @Test
    void malformedFilesAreIoErrorsNamingTheProblem() throws IOException {
        assertThrows(IOException.class, () -> Thresholds.read(write("{\"default\": 0.1, ")), "truncated JSON");
        assertMessage("[0.1, 0.2]", "expected a JSON object");
        assertMessage("{\"default\": \"high\"}", "'default' is not a number");
        assertMessage("{\"layers\": [1, 2]}", "'layers' must map layer names to numbers");
        assertMessage("{\"layers\": {\"conv1\": \"x\"}}", "threshold of conv1 is not a number");
        assertMessage("{\"default\": -0.1}", "must be finite and >= 0");
        assertMessage("{\"layers\": {\"conv1\": -1}}", "threshold of conv1 must be finite and >= 0");
        assertThrows(IOException.class, () -> Thresholds.read(dir.resolve("missing.json")), "missing file");
    }

    @Test
    void negativeOrNonFiniteThresholdsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Thresholds.uniform(-0.01f));
        assertThrows(IllegalArgumentException.class, () -> Thresholds.uniform(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> Thresholds.uniform(Float.POSITIVE_INFINITY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Thresholds.of(0f, Map.of("conv7", Float.NaN)));
        assertTrue(e.getMessage().contains("conv7"), e.getMessage());
    }

    private Path write(String json) throws IOException {
        Path f = Files.createTempFile(dir, "th", ".json");
        Files.writeString(f, json);
        return f;
    }

    private void assertMessage(String json, String expected) throws IOException {
        Path f = write(json);
        IOException e = assertThrows(IOException.class, () -> Thresholds.read(f), json);
        assertTrue(e.getMessage().contains(expected), "for " + json + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
    }
}
