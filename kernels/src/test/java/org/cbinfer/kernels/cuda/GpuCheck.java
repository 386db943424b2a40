package org.cbinfer.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;

/**
 * What the GPU tests share: the skip where there is no GPU, the agreement measure, and the tolerances per
 * precision. Agreement is ||gpu - cpu||_2 / ||cpu||_2 per output (NaN or a missing value never passes).
 */
final class GpuCheck {
    private GpuCheck() {}

    static void assumeGpu() {
        Assumptions.assumeTrue(Cuda.available(), () -> "skipped: no GPU here (" + Cuda.unavailableReason() + ")");
    }

    /** The bound on relative L2 error of one op vs the fp32 CPU reference, dense or change-based at threshold 0. */
    static double tolerance(Precision p) {
        return switch (p) {
            case FP32 -> 1e-4;
            case TF32 -> 1e-3;
            case FP16 -> 1e-2;
        };
    }

    /**
     * The bound for whole deep networks: rounding compounds over tens of layers. Measured on posenet (28 layers,
     * outputs up to +-114) on an H100: TF32 9.3e-3 (PyTorch/cuDNN's TF32 gives 3.1e-3 on the same check), fp16
     * 1.5e-2 (cuDNN fp16 channels-last: 2.2e-2); fp32 stays at the op bound.
     */
    static double networkTolerance(Precision p) {
        return switch (p) {
            case FP32 -> 1e-4;
            case TF32 -> 2e-2;
            case FP16 -> 3e-2;
        };
    }

    static Backend cpu(Graph g, float threshold) {
        return Backend.builder().graph(g).thresholds(Thresholds.uniform(threshold)).build();
    }

    static Backend gpu(Graph g, float threshold, Precision p) {
        return Backend.builder().graph(g).thresholds(Thresholds.uniform(threshold)).kind(BackendBuilder.Kind.CUDA)
                .precision(p).build();
    }

    /** A GPU backend whose batches hold at most {@code gatherBudget} bytes of gathered GEMM rows at once. */
    static Backend gpu(Graph g, float threshold, Precision p, long gatherBudget) {
        return Backend.builder().graph(g).thresholds(Thresholds.uniform(threshold)).kind(BackendBuilder.Kind.CUDA)
                .precision(p).gatherBudget(gatherBudget).build();
    }

    static double relL2(float[] expected, float[] actual) {
        if (expected.length != actual.length) return Double.POSITIVE_INFINITY;
        double num = 0, den = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!Float.isFinite(actual[i]) && Float.isFinite(expected[i])) return Double.POSITIVE_INFINITY;
            double d = (double) actual[i] - expected[i];
            num += d * d;
            den += (double) expected[i] * expected[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    /** Worst relative L2 error over the outputs; asserts both have the same outputs and shapes. */
    static double worst(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "outputs");
        double worst = 0;
        for (String k : expected.keySet()) {
            assertTrue(Arrays.equals(expected.get(k).shape(), actual.get(k).shape()),
                    k + ": shape " + Arrays.toString(actual.get(k).shape()) + " vs " + Arrays.toString(expected.get(k).shape()));
            worst = Math.max(worst, relL2(expected.get(k).data(), actual.get(k).data()));
        }
        return worst;
    }
}
