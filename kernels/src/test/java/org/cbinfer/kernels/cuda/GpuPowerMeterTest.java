package org.cbinfer.kernels.cuda;

import static org.cbinfer.kernels.cuda.GpuCheck.assumeGpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.graph.ops.Activation;
import org.cbinfer.kernels.graph.ops.Conv2d;
import org.cbinfer.kernels.graph.ops.Padding;
import org.cbinfer.kernels.graph.ops.Window;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The GPU's energy counter and power log, read while the GPU computes. */
class GpuPowerMeterTest {
    @BeforeAll
    static void gpuPresent() {
        assumeGpu();
    }

    @Test
    void theEnergyCounterGrowsWhileTheGpuWorksAndThePowerLogHoldsPlausibleReadingsAndMarkers() throws InterruptedException {
        Random r = new Random(5);
        float[] w = new float[64 * 64 * 9];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.05f;
        Graph g = Graph.builder().input("x", 1, 64, 256, 256).node("c", new Conv2d(Tensor.of(new int[] {64, 64, 3, 3}, w),
                new float[64], new Window(3, 3, 1, 1, 1, 1, Padding.SAME), 1, Activation.RELU), "x").output("c").build();
        Map<String, Tensor> in = Map.of("x", Tensor.of(new int[] {1, 64, 256, 256}, new float[64 * 256 * 256]));
        try (GpuPowerMeter meter = GpuPowerMeter.open(0, Duration.ofMillis(5));
             Backend gpu = GpuCheck.gpu(g, 0f, Precision.FP32)) {
            long before = meter.energyMillijoules();
            meter.mark("work");
            long until = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < until) gpu.dense(List.of(in));
            long after = meter.energyMillijoules();
            // an H200 idles at tens of watts: a second of work is far more than a joule
            assertTrue(after - before > 1000, "energy over a second of work: " + (after - before) + " mJ");
            List<GpuPowerMeter.Sample> samples = meter.samples();
            assertFalse(samples.isEmpty(), "no power readings");
            for (GpuPowerMeter.Sample s : samples) assertTrue(s.watts() > 0 && s.watts() < 5000, "reading " + s.watts() + " W");
            assertEquals(List.of("work"), meter.markers().stream().map(GpuPowerMeter.Marker::label).toList());
            System.out.printf("[gpu power] %d readings, %.1f J over one second of convolutions%n", samples.size(),
                    (after - before) / 1000.0);
        }
    }
}
