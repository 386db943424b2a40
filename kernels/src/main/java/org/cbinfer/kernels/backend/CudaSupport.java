package org.cbinfer.kernels.backend;

import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cuda.Cuda;
import org.cbinfer.kernels.cuda.CudaBackend;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.post.LabelOutputs;

/** Where the builder finds the CUDA backend. */
final class CudaSupport {
    private CudaSupport() {}

    static boolean available() {
        return Cuda.available();
    }

    static Backend open(Graph graph, Thresholds thresholds, boolean recursive, DenseFallback fallback, int device,
                        Precision precision, long gatherBudget, LabelOutputs labelOutputs) {
        return CudaBackend.open(graph, thresholds, recursive, fallback, device, precision, gatherBudget, labelOutputs);
    }
}
