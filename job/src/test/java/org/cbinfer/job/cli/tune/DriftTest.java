package org.cbinfer.job.cli.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendStream;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;

/**
 * Drift over a long run: PoseNet change-based over all 795 frames of vtest.avi (one stream, one keyframe), on
 * the CPU at a small size, checked against the dense outputs. The light dims slowly, as at dusk: every frame is
 * darker than the one before by {@link #DIMMING} (a quarter of a grey level, well under the threshold). With the
 * recursive (feedback) mode every committed input stays within its threshold of the true input, so the error vs
 * dense stays bounded however long the stream runs; the non-recursive ablation compares each frame with the one
 * before, never sees the dimming, and its error grows with time.
 *
 * <p>On vtest.avi as it is (no dimming) the ablation is about twice as far from dense as the recursive mode
 * throughout, but a static camera has no slow trend for it to miss, so its error does not grow (docs/tuning.md).
 */
class DriftTest {
    private static final int WIDTH = 65, HEIGHT = 49;
    private static final float THRESHOLD = 0.03f;
    /** Dense reference every this many frames (the change-based passes run on every frame). */
    private static final int CHECK_EVERY = 10;
    /** Per frame, in input units (pm1: one grey level is 2/255 = 0.0078). */
    private static final float DIMMING = 0.002f;
    private static final int WINDOWS = 4;

    @Test
    void theRecursiveModeStaysBoundedOverTheWholeVideoAndTheNonRecursiveOneDrifts() throws Exception {
        Graph graph = ModelFiles.load(TestData.file("models/tfjs/posenet.json"));
        String input = graph.inputs().get(0).name();
        List<Tensor> frames = new ArrayList<>();
        try (VideoReader reader = VideoReader.builder().path(TestData.file("video/vtest.avi")).resize(WIDTH, HEIGHT).build()) {
            for (VideoFrame f; (f = reader.read()) != null; ) {
                Tensor t = ImageTensors.fromRgb(f.rgb(), 0, WIDTH, HEIGHT, ImageTensors.Scale.PM1);
                float dim = DIMMING * frames.size();
                for (int i = 0; i < t.size(); i++) t.data()[i] -= dim;
                frames.add(t);
            }
        }
        assertEquals(795, frames.size(), "the whole of vtest.avi");

        try (Backend recursive = Backend.builder().graph(graph).thresholds(Thresholds.uniform(THRESHOLD)).build();
             Backend ablation = Backend.builder().graph(graph).thresholds(Thresholds.uniform(THRESHOLD)).recursive(false).build();
             BackendStream a = recursive.newStream(); BackendStream b = ablation.newStream()) {
            double[] withFeedback = new double[WINDOWS], without = new double[WINDOWS];
            int[] checks = new int[WINDOWS];
            for (int f = 0; f < frames.size(); f++) {
                Map<String, Tensor> x = Map.of(input, frames.get(f));
                Map<String, Tensor> ra = recursive.process(List.of(a), List.of(x)).get(0).outputs();
                Map<String, Tensor> rb = ablation.process(List.of(b), List.of(x)).get(0).outputs();
                if (f == 0 || f % CHECK_EVERY != 0) continue;
                Map<String, Tensor> dense = recursive.dense(List.of(x)).get(0);
                int w = Math.min(WINDOWS - 1, f * WINDOWS / frames.size());
                withFeedback[w] += meanAbsError(dense, ra);
                without[w] += meanAbsError(dense, rb);
                checks[w]++;
            }
            for (int w = 0; w < WINDOWS; w++) {
                withFeedback[w] /= checks[w];
                without[w] /= checks[w];
            }
            String report = "mean abs error vs dense per quarter of the video: recursive " + java.util.Arrays.toString(withFeedback)
                    + ", non-recursive " + java.util.Arrays.toString(without);
            System.out.println(report);
            double firstQuarter = withFeedback[0];
            for (int w = 1; w < WINDOWS; w++) {
                assertTrue(withFeedback[w] <= 2 * firstQuarter, "recursive error grew: " + report);
            }
            assertTrue(without[WINDOWS - 1] > 2 * without[0], "the non-recursive error should grow over time: " + report);
            assertTrue(without[WINDOWS - 1] > 3 * withFeedback[WINDOWS - 1], "the ablation should end far worse: " + report);
        }
    }

    private static double meanAbsError(Map<String, Tensor> dense, Map<String, Tensor> cb) {
        double sum = 0;
        long n = 0;
        for (Map.Entry<String, Tensor> e : dense.entrySet()) {
            float[] r = e.getValue().data(), c = cb.get(e.getKey()).data();
            for (int i = 0; i < r.length; i++) sum += Math.abs(r[i] - c[i]);
            n += r.length;
        }
        return sum / n;
    }
}
