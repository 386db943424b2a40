package org.cbinfer.operators.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Label maps from the real MediaPipe selfie outputs of vtest.avi frames 100..104 (TensorFlow.js golden outputs,
 * NHWC [1, 256, 256, 1], already sigmoid probabilities from {@code activation_10}).
 *
 * <p>Measured: the mask is one blob over the two people crossing by the sign post near the frame centre
 * (frame box about x 264..458, y 144..276), foreground 1.66%..2.00% of the pixels (1091..1312 of 65536), changing
 * by at most 0.3 points between consecutive frames; the selfie model was trained on close-up portraits, so the
 * smaller, farther people up the road are not segmented. PoseNet's strongest pose of the same frame (decoded
 * from the golden PoseNet outputs) has 14-17 of its 17 keypoints on the mask, the other poses none.
 */
class SelfieGoldenTest {
    private static final int FRAME_W = 768, FRAME_H = 576;
    private static List<Map<String, Tensor>> outputs;
    private static List<LabelMap> maps;

    @BeforeEach
    void load() throws IOException { // per test: skipped, with the reason, without the sample data
        if (maps != null) return;
        assertEquals(new GoldenData.Size(256, 256), GoldenData.inputSize("selfie"));
        outputs = GoldenData.outputs("selfie");
        assertEquals(5, outputs.size());
        maps = new ArrayList<>();
        for (Map<String, Tensor> o : outputs) maps.add(LabelMapper.forProbabilities().map(o.get("activation_10")));
    }

    @Test
    void histogramCountsEveryPixelAndTheForegroundIsAboutTwoPercent() {
        double prev = -1;
        for (int f = 0; f < maps.size(); f++) {
            LabelMap m = maps.get(f);
            assertEquals(256, m.width());
            assertEquals(256, m.height());
            assertEquals(2, m.numClasses());
            long[] h = m.histogram();
            assertEquals(65536, h[0] + h[1], "frame " + f);
            // recount against the probabilities themselves
            long above = 0;
            for (float p : outputs.get(f).get("activation_10").data()) if (p > 0.5f) above++;
            assertEquals(above, h[1], "frame " + f);
            double fg = m.fraction(1);
            // measured 1.66%..2.00%: two people of ~110 x 90 frame px in a 768 x 576 frame; half to double that
            assertTrue(fg > 0.01 && fg < 0.04, "frame " + f + ": foreground " + fg);
            if (prev >= 0) assertTrue(Math.abs(fg - prev) < 0.006, "frame " + f + ": foreground jumps " + prev + " -> " + fg);
            prev = fg;
        }
    }

    @Test
    void pngDecodesBackToTheSameMask() throws IOException {
        for (LabelMap m : maps) {
            String b64 = ResultJson.labelMap(m).get("maskPng").asText();
            byte[] png = Base64.getDecoder().decode(b64);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(256, img.getWidth());
            assertEquals(256, img.getHeight());
            int[] gray = img.getRaster().getSamples(0, 0, 256, 256, 0, new int[65536]);
            short[] labels = m.labels();
            for (int i = 0; i < gray.length; i++) assertEquals(labels[i] * 255, gray[i], "pixel " + i);
            assertEquals(m, LabelMap.fromPng(png, 2));
            assertTrue(png.length < 2000, png.length + " bytes: one smooth blob compresses well (measured < 500)");
        }
    }

    @Test
    void maskResizedToTheFrameCoversThePersonPoseNetFinds() throws IOException {
        List<Map<String, Tensor>> posenet = GoldenData.outputs("posenet"); // frames 100..109; selfie has 100..104
        PoseDecoder decoder = new PoseDecoder();
        for (int f = 0; f < maps.size(); f++) {
            LabelMap frame = LabelMapper.forProbabilities().map(outputs.get(f).get("activation_10"), FRAME_W, FRAME_H);
            assertEquals(FRAME_W * FRAME_H, frame.histogram()[0] + frame.histogram()[1]);
            // nearest resizing keeps the fraction up to the blob's edge pixels
            assertEquals(maps.get(f).fraction(1), frame.fraction(1), 0.002, "frame " + f);
            double cx = 0, cy = 0;
            for (int y = 0; y < FRAME_H; y++) {
                for (int x = 0; x < FRAME_W; x++) {
                    if (frame.label(x, y) == 1) {
                        cx += x;
                        cy += y;
                    }
                }
            }
            cx /= frame.histogram()[1];
            cy /= frame.histogram()[1];
            // measured centroid (394..409, 209..214): the people by the sign post
            assertTrue(cx > 360 && cx < 440 && cy > 180 && cy < 250, "frame " + f + ": centroid " + cx + ", " + cy);

            List<Person> persons = decoder.decode(PoseNetOutputs.fromNamed(posenet.get(f)),
                    new FrameGeometry(385, 385, FRAME_W, FRAME_H));
            int[] onMask = new int[persons.size()];
            for (int i = 0; i < persons.size(); i++) {
                for (Keypoint k : persons.get(i).keypoints()) {
                    if (frame.label((int) k.x(), (int) k.y()) == 1) onMask[i]++;
                }
            }
            assertTrue(onMask[0] >= 12, "frame " + f + ": strongest pose has " + onMask[0] + " of 17 keypoints on the mask");
            int[] others = java.util.Arrays.copyOfRange(onMask, 1, onMask.length);
            assertArrayEquals(new int[others.length], others, "frame " + f + ": the other poses are people the mask misses");
        }
    }
}
