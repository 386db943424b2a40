package org.cbinfer.job.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.io.export.GraphExport;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * What the PyTorch peer ({@code bench/peers/pytorch_dense.py}) needs: the optimized graph with its weights, and
 * camera 0's first frame with the outputs our CPU backend computes for it, in fp32: the exact reference.
 */
final class PeerExport {
    private PeerExport() {}

    static void write(BenchSettings s, Path dir, PrintStream out) throws IOException {
        try (Backend cpu = Backend.builder().graph(s.model().graph()).thresholds(Thresholds.uniform(0f))
                .kind(BackendBuilder.Kind.CPU).precision(Precision.FP32).build()) {
            GraphExport.write(cpu.graph(), dir);
            Tensor frame;
            try (SimulatedCameras video = s.frames(1, 1)) {
                frame = video.step(0).get(0).toTensor();
            }
            Map<String, Tensor> input = Map.of(s.model().input(), frame);
            Map<String, Tensor> outputs = cpu.dense(List.of(input)).get(0);
            GraphExport.writeReference(dir, input, outputs);
        }
        out.printf("exported %s at %dx%d for peers to %s (graph.json, weights.f32, reference.json)%n",
                s.model().name(), s.width(), s.height(), dir);
    }
}
