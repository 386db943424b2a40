package org.cbinfer.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendStream;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.testkit.TestData;
import org.junit.jupiter.api.Test;

class RgbInputTest {
    private static final int W = 385, H = 385, FRAME = 3 * W * H;

    private static byte[] vtest() throws IOException {
        return Files.readAllBytes(TestData.file("golden/vtest_f100-109_385x385.rgb"));
    }

    @Test
    void becomesTheTensorOfItsPixelsScaled() throws IOException {
        byte[] rgb = vtest();
        RgbInput image = new RgbInput(rgb, 2 * FRAME, W, H, ImageTensors.Scale.PM1);
        Tensor t = image.toTensor();
        assertArrayEquals(new int[] {1, 3, H, W}, t.shape());
        assertArrayEquals(image.shape(), t.shape());
        int p = 1000 * W / 3 + 17, byteAt = 2 * FRAME + 3 * p;
        for (int c = 0; c < 3; c++) {
            assertEquals((rgb[byteAt + c] & 0xff) / 127.5f - 1f, t.data()[c * W * H + p], "channel " + c);
            assertEquals(image.lookupTable()[rgb[byteAt + c] & 0xff], t.data()[c * W * H + p]);
        }
    }

    @Test
    void refusesBuffersThatDoNotHoldTheImage() {
        byte[] small = new byte[3 * 4 * 4];
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RgbInput(small, 3, 4, 4, ImageTensors.Scale.UNIT))
                .getMessage().contains("does not hold a 4x4 image at offset 3"));
        assertThrows(IllegalArgumentException.class, () -> new RgbInput(small, 0, 0, 4, ImageTensors.Scale.UNIT));
        assertThrows(IllegalArgumentException.class, () -> new RgbInput(small, -1, 4, 4, ImageTensors.Scale.UNIT));
    }

    @Test
    void theCpuBackendProcessesImagesAsTheirTensors() throws IOException {
        Graph g = ModelFiles.load(TestData.file("models/tfjs/posenet.json"));
        byte[] rgb = vtest();
        try (Backend cpu = Backend.builder().graph(g).thresholds(Thresholds.uniform(0.02f)).build()) {
            BackendStream a = cpu.newStream(), b = cpu.newStream();
            for (int t = 0; t < 2; t++) {
                RgbInput image = new RgbInput(rgb, t * FRAME, W, H, ImageTensors.Scale.PM1);
                FrameResult fromImage = cpu.processImages(List.of(a), List.of(image)).get(0);
                FrameResult fromTensor = cpu.process(b, image.toTensor());
                for (String k : fromTensor.outputs().keySet()) {
                    assertArrayEquals(fromTensor.outputs().get(k).data(), fromImage.outputs().get(k).data(), k);
                }
            }
            Map<String, Tensor> dense = cpu.denseImages(List.of(new RgbInput(rgb, 0, W, H, ImageTensors.Scale.PM1))).get(0);
            assertEquals(cpu.graph().outputs().size(), dense.size());
        }
    }
}
