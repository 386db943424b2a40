package org.cbinfer.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cbinfer.job.Cli;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cbinfer infer} end to end: PoseNet over the golden frames, change-based at threshold 0,
 * writes files that match TensorFlow.js's outputs listed in the golden manifest, in the same layout;
 * and over real video frames it records per-layer statistics.
 */
class InferCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    @Test
    void changeBasedInferenceOnTheGoldenFramesReproducesTensorFlowJsFileForFile() throws Exception {
        Path golden = TestData.file("golden");
        int code = run("infer", "--model", TestData.file("models/tfjs/posenet.json").toString(),
                "--raw", golden.resolve("vtest_f100-109_385x385.rgb").toString(), "--width", "385", "--height", "385",
                "--scale", "pm1", "--mode", "cb", "--threshold", "0", "--out", out.toString());
        assertEquals(0, code);
        JsonNode expected = JSON.readTree(golden.resolve("posenet.manifest.json").toFile());
        JsonNode actual = JSON.readTree(out.resolve("manifest.json").toFile());
        for (String key : List.of("width", "height", "scale", "layout", "dtype")) {
            assertEquals(expected.get(key), actual.get(key), key);
        }
        assertEquals(expected.get("frames").size(), actual.get("frames").size());
        for (int f = 0; f < expected.get("frames").size(); f++) {
            for (JsonNode want : expected.get("frames").get(f).get("outputs")) {
                JsonNode got = find(actual.get("frames").get(f).get("outputs"), want.get("name").asText());
                assertEquals(want.get("shape"), got.get("shape"), want.get("name").asText());
                float[] a = read(golden.resolve(want.get("file").asText()));
                float[] b = read(out.resolve(got.get("file").asText()));
                double maxAbs = 0, num = 0, den = 0;
                for (int i = 0; i < a.length; i++) {
                    double d = a[i] - b[i];
                    maxAbs = Math.max(maxAbs, Math.abs(d));
                    num += d * d;
                    den += (double) a[i] * a[i];
                }
                assertTrue(maxAbs <= 1e-3, "frame " + f + " " + want.get("name") + ": max abs error " + maxAbs);
                assertTrue(Math.sqrt(num / den) <= 1e-4, "frame " + f + " " + want.get("name") + ": relative L2 " + Math.sqrt(num / den));
            }
        }
    }

    @Test
    void inferenceOnTheSampleVideoRecordsPerLayerChangedFractions() throws Exception {
        int code = run("infer", "--model", TestData.file("models/tfjs/posenet.json").toString(),
                "--video", TestData.file("video/vtest.avi").toString(), "--frames", "100:104",
                "--resize", "129x129", "--scale", "pm1", "--mode", "cb", "--threshold", "0.02", "--out", out.toString());
        assertEquals(0, code);
        JsonNode stats = JSON.readTree(out.resolve("stats.json").toFile()).get("frames");
        assertEquals(4, stats.size());
        assertTrue(stats.get(0).get("keyframe").asBoolean());
        for (int f = 1; f < 4; f++) {
            JsonNode frame = stats.get(f);
            assertTrue(!frame.get("keyframe").asBoolean(), "frame " + f + " is not a keyframe");
            assertTrue(frame.get("macs").asLong() < frame.get("dense_macs").asLong(), "frame " + f + " does less work than dense");
            JsonNode first = frame.get("layers").get(0);
            double changed = first.get("changed_fraction").asDouble();
            assertTrue(changed > 0 && changed < 0.5, "a static camera changes a small fraction of pixels: " + changed);
        }
    }

    @Test
    void aWrongCommandLineIsAUsageErrorNamingTheOption() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(List.of("infer", "--model", "m.json", "--bogus", "1"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("--bogus"), err.toString());
    }

    private static int run(String... args) {
        return Cli.run(List.of(args), new PrintStream(new ByteArrayOutputStream()), System.err);
    }

    private static JsonNode find(JsonNode outputs, String name) {
        List<String> names = new ArrayList<>();
        for (JsonNode o : outputs) {
            if (o.get("name").asText().equals(name)) return o;
            names.add(o.get("name").asText());
        }
        throw new AssertionError("output " + name + " missing; got " + names);
    }

    private static float[] read(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
