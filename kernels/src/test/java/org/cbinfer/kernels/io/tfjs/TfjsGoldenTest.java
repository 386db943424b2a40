package org.cbinfer.kernels.io.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.cbinfer.kernels.cb.ChangeBasedSession;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.FrameStats;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.io.tfjs.GoldenFrames.Expected;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The imported models compute what TensorFlow.js computes: every output of every golden frame within
 * 1e-3 absolute and 1e-4 relative L2 error, run densely and change-based with threshold 0 (frames in
 * sequence through one session, so later frames take the change-based path).
 */
class TfjsGoldenTest {
    private static final double MAX_ABS = 1e-3;
    private static final double MAX_REL_L2 = 1e-4;

    @Test
    void posenetDenseMatchesTensorFlowJs() throws IOException {
        GoldenFrames golden = GoldenFrames.load("posenet", "vtest_f100-109_385x385.rgb");
        DenseExecutor dense = new DenseExecutor(TfjsModelLoaderTest.load("posenet"));
        check(golden, "dense", dense::run);
    }

    @Test
    void posenetChangeBasedAtThresholdZeroMatchesTensorFlowJs() throws IOException {
        checkChangeBased(GoldenFrames.load("posenet", "vtest_f100-109_385x385.rgb"));
    }

    @Test
    void selfieDenseMatchesTensorFlowJs() throws IOException {
        GoldenFrames golden = GoldenFrames.load("selfie", "vtest_f100-104_256x256.rgb");
        DenseExecutor dense = new DenseExecutor(TfjsModelLoaderTest.load("selfie"));
        check(golden, "dense", dense::run);
    }

    @Test
    void selfieChangeBasedAtThresholdZeroMatchesTensorFlowJs() throws IOException {
        checkChangeBased(GoldenFrames.load("selfie", "vtest_f100-104_256x256.rgb"));
    }

    /** Frames in sequence through one session: after the first (a keyframe), layers recompute only what changed. */
    private static void checkChangeBased(GoldenFrames golden) throws IOException {
        ChangeBasedSession session = new ChangeBasedSession(TfjsModelLoaderTest.load(golden.model()), Thresholds.uniform(0f));
        List<FrameStats> stats = new ArrayList<>();
        check(golden, "change-based", x -> {
            FrameResult r = session.process(x);
            stats.add(r.stats());
            return r.outputs();
        });
        assertTrue(stats.get(0).keyframe());
        for (FrameStats s : stats.subList(1, stats.size())) {
            assertFalse(s.keyframe(), "frame " + s.frame() + " was a keyframe");
            assertTrue(s.macs() < s.denseMacs(), "frame " + s.frame() + " recomputed everything");
        }
    }

    private static void check(GoldenFrames golden, String mode, Function<Tensor, Map<String, Tensor>> model) {
        List<String> failures = new ArrayList<>();
        Discrepancy worst = new Discrepancy(0, 0);
        for (int f = 0; f < golden.inputs().size(); f++) {
            Map<String, Tensor> actual = model.apply(golden.inputs().get(f));
            Map<String, Expected> expected = golden.outputs().get(f);
            assertEquals(expected.keySet(), actual.keySet(), "output names");
            for (Map.Entry<String, Expected> e : expected.entrySet()) {
                Tensor out = actual.get(e.getKey());
                int[] s = e.getValue().nhwcShape();
                assertArrayEquals(new int[] {s[0], s[3], s[1], s[2]}, out.shape(), e.getKey() + " shape");
                Discrepancy d = Discrepancy.between(ImageTensors.toNhwc(out), e.getValue().values());
                worst = worst.worst(d);
                if (d.maxAbs() > MAX_ABS || d.relL2() > MAX_REL_L2) failures.add("frame " + f + " " + e.getKey() + ": " + d);
            }
        }
        System.out.printf("golden %s %s: %d frames, worst %s%n", golden.model(), mode, golden.inputs().size(), worst);
        assertTrue(failures.isEmpty(), golden.model() + " " + mode + " differs from TensorFlow.js:\n" + String.join("\n", failures));
    }
}
