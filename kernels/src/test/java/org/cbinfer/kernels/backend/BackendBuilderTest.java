package org.cbinfer.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BackendBuilderTest {
    /** "frame" [1, 1, h, w] -> 3x3 box filter. */
    private static final Graph NET = Graph.builder().input("frame", 1, 1, -1, -1)
            .node("conv", new Conv2d(Tensor.of(new int[] {1, 1, 3, 3}, new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}), null,
                    new Window(3, 3, 1, 1, 1, 1, Padding.symmetric(1, 1)), 1, Activation.IDENTITY), "frame")
            .output("conv").build();

    private static BackendBuilder builder() {
        return Backend.builder().graph(NET).thresholds(Thresholds.uniform(0.01f));
    }

    @Test
    void theCpuRefusesAReducedPrecision() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().kind(BackendBuilder.Kind.CPU).precision(Precision.TF32).build());
        assertTrue(e.getMessage().contains("fp32 only, not tf32"), e.getMessage());
    }

    @Test
    void autoTakesTheGpuWhenThereIsOneAndElseTheCpuInFp32() {
        try (Backend b = builder().kind(BackendBuilder.Kind.AUTO).precision(Precision.FP16).build()) {
            if (CudaSupport.available()) {
                assertEquals(Precision.FP16, b.precision());
                assertTrue(b.name().startsWith("cuda:"), b.name());
            } else {
                assertEquals(Precision.FP32, b.precision(), "the CPU computes exactly");
                assertEquals("cpu", b.name());
            }
        }
    }
}
