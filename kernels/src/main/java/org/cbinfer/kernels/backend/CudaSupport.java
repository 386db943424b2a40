package org.cbinfer.kernels.backend;

import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;

/** Where the builder finds the CUDA backend. */
final class CudaSupport {
    private CudaSupport() {}

    static boolean available() {
        return false;
    }

    static Backend open(Graph graph, Thresholds thresholds, boolean recursive, int device, Precision precision) {
        throw new IllegalStateException("the CUDA backend is not part of this build yet");
    }
}
