package org.cbinfer.job.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.tensor.RgbImage;

/**
 * Times {@link Backend#dense} on batches of consecutive video frames: per batch size, the wall time of one call
 * (median and 90th percentile after warm-up), per frame and as frames per second. The peer's dense figures
 * are the comparison; ours include the host-to-device copy of the inputs, the peer's do not.
 */
final class DenseBench {
    private DenseBench() {}

    static ArrayNode run(BenchSettings s, Backend backend, PrintStream out) throws IOException {
        int largest = Collections.max(s.batches());
        List<RgbImage> frames = new ArrayList<>();
        try (CameraFrames video = s.frames(1, largest)) {
            for (int i = 0; i < largest; i++) frames.add(video.step(i).get(0));
        }
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (int batch : s.batches()) {
            List<RgbImage> inputs = frames.subList(0, batch);
            for (int i = 0; i < s.warmup(); i++) backend.denseImages(inputs);
            Samples t = new Samples();
            for (int i = 0; i < s.iterations(); i++) {
                long t0 = System.nanoTime();
                backend.denseImages(inputs);
                t.add((System.nanoTime() - t0) / 1e6);
            }
            double perFrame = t.median() / batch;
            rows.addObject().put("batch", batch).put("calls", t.count()).put("ms_median", t.median()).put("ms_p90", t.p90())
                    .put("ms_per_frame", perFrame).put("frames_per_s", 1000.0 / perFrame);
            out.printf("dense  batch %3d: %9.3f ms/call (p90 %.3f), %8.3f ms/frame, %8.1f frames/s%n",
                    batch, t.median(), t.p90(), perFrame, 1000.0 / perFrame);
        }
        return rows;
    }
}
