package org.cbinfer.kernels.io.tfjs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Map;
import org.cbinfer.kernels.cb.ChangeBasedSession;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;

/**
 * Meet (Reshape, MatMul, ConcatV2, BiasAdd; no TensorFlow.js goldens) against the independent NHWC reference
 * {@code src/test/resources/tfjs/tfref.py}: the 144x256 band of rows 56..199 of golden frame 100 at 256x256,
 * compared as 8x8 block means of the logits, and the change-based pass at threshold 0 against the dense one.
 */
class TfjsMeetReferenceTest {
    private static final int TOP = 56, WIDTH = 256, HEIGHT = 144, POOL = 8;

    private static Tensor band(byte[] rgb, int frame) {
        return ImageTensors.fromRgb(rgb, (frame * 256 + TOP) * WIDTH * 3, WIDTH, HEIGHT, ImageTensors.Scale.UNIT);
    }

    private static byte[] frames() throws IOException {
        return Files.readAllBytes(TestData.file("golden/vtest_f100-104_256x256.rgb"));
    }

    /** Means over POOL x POOL blocks of an NHWC map. */
    private static float[] pooled(float[] nhwc, int h, int w, int c) {
        float[] out = new float[(h / POOL) * (w / POOL) * c];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++) {
                    out[((y / POOL) * (w / POOL) + x / POOL) * c + ch] += nhwc[(y * w + x) * c + ch] / (POOL * POOL);
                }
        return out;
    }

    @Test
    void meetMatchesTheIndependentNhwcReference() throws IOException {
        Graph g = TfjsModelLoaderTest.load("meet");
        float[] ours = ImageTensors.toNhwc(new DenseExecutor(g).run(band(frames(), 0)).get("segment"));
        float[] expected;
        try (InputStream in = getClass().getResourceAsStream("/tfjs/meet.f000.segment.pool8.f32")) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            expected = new float[b.remaining() / 4];
            b.asFloatBuffer().get(expected);
        }
        Discrepancy d = Discrepancy.between(pooled(ours, HEIGHT, WIDTH, 2), expected);
        System.out.println("meet dense vs NHWC reference (8x8 means): " + d);
        assertTrue(d.maxAbs() <= 1e-3 && d.relL2() <= 1e-4, d.toString());
    }

    @Test
    void meetChangeBasedAtThresholdZeroReproducesDense() throws IOException {
        Graph g = TfjsModelLoaderTest.load("meet");
        DenseExecutor dense = new DenseExecutor(g);
        ChangeBasedSession session = new ChangeBasedSession(g, Thresholds.uniform(0f));
        byte[] rgb = frames();
        Discrepancy worst = new Discrepancy(0, 0);
        for (int f = 0; f < 5; f++) {
            Map<String, Tensor> expected = dense.run(band(rgb, f));
            Map<String, Tensor> actual = session.process(band(rgb, f)).outputs();
            worst = worst.worst(Discrepancy.between(actual.get("segment").data(), expected.get("segment").data()));
        }
        System.out.println("meet change-based vs dense, 5 frames: " + worst);
        assertTrue(worst.maxAbs() <= 1e-3 && worst.relL2() <= 1e-4, worst.toString());
    }
}
