package org.cbinfer.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cbinfer.job.Cli;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cbinfer bench} on the CPU backend at a tiny size and a few real {@code vtest.avi} frames: the JSON
 * holds dense timings per batch size and change-based figures per threshold and camera count, threshold 0
 * reproduces dense exactly, a real threshold saves work; and the peer export, run through the peer script's
 * numpy interpreter, reproduces our CPU outputs for all three benchmark networks.
 */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void benchmarksSceneLabelDenseAndChangeBasedWithSeveralCameras() throws Exception {
        TestData.file("video/vtest.avi"); // the frames bench runs on by default
        Path json = dir.resolve("bench.json");
        String printed = run(0, "bench", "--model", "scenelabel", "--size", "48x36", "--frames", "10:16", "--cameras", "1,2",
                "--batch", "1,2", "--threshold", "0,0.1", "--warmup", "2", "--iters", "1", "--check-every", "1",
                "--out", json.toString());
        JsonNode r = JSON.readTree(json.toFile());
        assertEquals("scenelabel", r.get("model").asText());
        assertEquals("cpu", r.get("backend").asText());
        assertEquals(0.115, r.get("gmac_per_frame").asDouble(), 0.001, "53.37 GMAC scaled to 48x36");

        JsonNode dense = r.get("dense");
        assertEquals(2, dense.size());
        for (JsonNode row : dense) {
            assertTrue(row.get("ms_per_frame").asDouble() > 0 && row.get("frames_per_s").asDouble() > 0, row.toString());
        }
        assertEquals(2, dense.get(1).get("batch").asInt());

        JsonNode exact = r.get("cb").get(0), thresholded = r.get("cb").get(1);
        assertEquals(0.0, exact.get("thresholds").get("default").asDouble());
        for (JsonNode run : exact.get("runs")) {
            JsonNode err = run.get("error_vs_dense");
            assertEquals(4, err.get("frames_checked").asInt(), "6 frames, 2 warm-up, every one checked");
            assertTrue(err.get("rel_l2").asDouble() <= 1e-6, "threshold 0 reproduces dense: " + err);
            assertEquals(0.0, err.get("label_mismatch_pct").asDouble());
        }
        List<Integer> cameras = new ArrayList<>();
        double exactRatio = exact.get("runs").get(0).get("mac_ratio").asDouble();
        for (JsonNode run : thresholded.get("runs")) {
            cameras.add(run.get("cameras").asInt());
            assertEquals(4, run.get("timed_steps").asInt());
            // 7x7 kernels spread each change far on a 48x36 image: the saving is real but small at this size
            assertTrue(run.get("mac_ratio").asDouble() > exactRatio + 0.1, "threshold 0.1 saves work over threshold 0 ("
                    + exactRatio + "): " + run.get("mac_ratio"));
            double changed = run.get("input_changed_fraction").asDouble();
            assertTrue(changed > 0 && changed < 0.2, "few pixels change above 0.1: " + changed);
            assertTrue(run.get("camera_frames_per_s").asDouble() > 0);
            assertTrue(run.get("bytes_per_camera").asLong() > 3 * 48 * 36 * 4, "a camera keeps at least its committed input");
            assertEquals(7, run.get("layers").size(), "every node: five convolutions, two pools");
            double mismatch = run.get("error_vs_dense").get("label_mismatch_pct").asDouble();
            assertTrue(mismatch >= 0 && mismatch < 10, "label mismatch " + mismatch);
        }
        assertEquals(List.of(1, 2), cameras);
        assertTrue(printed.contains("summary scenelabel 48x36 cpu fp32"), printed);
    }

    @Test
    void labelOutputsTimeTheLabelMapsAndCompareChangeBasedLabelsWithDenseOnes() throws Exception {
        TestData.file("video/vtest.avi"); // the frames bench runs on by default
        Path json = dir.resolve("labels.json");
        run(0, "bench", "--model", "scenelabel", "--size", "48x36", "--frames", "10:14", "--cameras", "2", "--batch", "2",
                "--threshold", "0,0.1", "--warmup", "1", "--iters", "1", "--check-every", "1", "--outputs", "labels",
                "--out", json.toString());
        JsonNode r = JSON.readTree(json.toFile());
        assertEquals("labels", r.get("outputs").asText());
        assertEquals(1, r.get("dense").size());
        JsonNode exact = r.get("cb").get(0).get("runs").get(0).get("error_vs_dense");
        assertEquals(3, exact.get("frames_checked").asInt());
        assertEquals(0.0, exact.get("label_mismatch_pct").asDouble(), "threshold 0: the same labels as dense");
        assertTrue(!exact.has("rel_l2"), "no scores came back to compare: " + exact);
        double mismatch = r.get("cb").get(1).get("runs").get(0).get("error_vs_dense").get("label_mismatch_pct").asDouble();
        assertTrue(mismatch >= 0 && mismatch < 10, "label mismatch " + mismatch);
        String err = run(2, "bench", "--model", "openpose2", "--mode", "dense", "--outputs", "labels");
        assertTrue(err.contains("--outputs labels needs a segmentation network"), err);
        err = run(2, "bench", "--model", "scenelabel", "--mode", "dense", "--outputs", "scores");
        assertTrue(err.contains("--outputs") && err.contains("[full, labels]"), err);
    }

    @Test
    void peerExportsOfAllBenchmarkNetworksReproduceOurCpuOutputsInThePeersNumpyInterpreter() throws Exception {
        Assumptions.assumeTrue(pythonWithNumpy(), "python3 with numpy is needed to run bench/peers/pytorch_dense.py --numpy-check");
        String posenet = TestData.file("models/tfjs/posenet.json").toString();
        String[][] networks = {
            {"scenelabel", "64x48"},
            {"openpose2", "64x48"},
            {posenet, "129x129", "--scale", "pm1"},
        };
        for (String[] n : networks) {
            Path export = dir.resolve("export-" + Path.of(n[0]).getFileName());
            List<String> argv = new ArrayList<>(List.of("bench", "--model", n[0], "--size", n[1], "--frames", "50:51", "--export",
                    export.toString()));
            for (int i = 2; i < n.length; i++) argv.add(n[i]);
            run(0, argv.toArray(String[]::new));
            assertTrue(Files.size(export.resolve("weights.f32")) > 0);
            Process p = new ProcessBuilder("python3", DataPaths.projectHome().resolve("bench/peers/pytorch_dense.py").toString(),
                    "--export", export.toString(), "--numpy-check", "--tolerance", "1e-5").redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "numpy check of " + n[0] + " finished");
            assertEquals(0, p.exitValue(), n[0] + ":\n" + log);
            assertTrue(log.contains("numpy check PASSED"), log);
        }
    }

    @Test
    void eachDenseFallbackIsItsOwnChangeBasedRunAndReportsWhereLayersFellBack() throws Exception {
        TestData.file("video/vtest.avi"); // the frames bench runs on by default
        Path json = dir.resolve("fallback.json");
        run(0, "bench", "--model", "scenelabel", "--size", "48x36", "--frames", "10:16", "--cameras", "1", "--mode", "cb",
                "--threshold", "0.02", "--warmup", "2", "--fallback", "none,0", "--probe-every", "100", "--out", json.toString());
        JsonNode cb = JSON.readTree(json.toFile()).get("cb");
        assertEquals(List.of("none", "0"), List.of(cb.get(0).get("fallback").asText(), cb.get(1).get("fallback").asText()));
        JsonNode none = cb.get(0).get("runs").get(0), always = cb.get(1).get("runs").get(0);
        assertEquals(0.0, always.get("break_even").get("default").asDouble());
        assertEquals(100, always.get("break_even").get("probeEvery").asInt());
        double fellBack = 0;
        for (JsonNode layer : always.get("layers")) fellBack = Math.max(fellBack, layer.get("dense_fallback_fraction").asDouble());
        assertTrue(fellBack > 0, "with break-even 0 a layer that recomputed anything computes densely: " + always.get("layers"));
        for (JsonNode layer : none.get("layers")) assertEquals(0.0, layer.get("dense_fallback_fraction").asDouble(), layer.toString());
        assertTrue(always.get("mac_ratio").asDouble() < none.get("mac_ratio").asDouble(), "dense layers do the dense work");
        String err = run(2, "bench", "--model", "scenelabel", "--mode", "cb", "--fallback-out", dir.resolve("x.json").toString());
        assertTrue(err.contains("--fallback-out needs --fallback measure"), err);
    }

    @Test
    void anUnknownModelIsAUsageErrorNamingTheReferenceNetworks() throws Exception {
        String err = run(2, "bench", "--model", "resnet-nope", "--mode", "dense");
        assertTrue(err.contains("scenelabel, openpose2"), err);
    }

    private static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs the CLI; asserts its exit code; returns what it printed (stdout and stderr). */
    private static String run(int expectedCode, String... argv) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = Cli.run(List.of(argv), ps, ps);
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, printed);
        return printed;
    }
}
