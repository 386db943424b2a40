package org.cbinfer.job.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.cuda.CudaBackend;
import org.cbinfer.kernels.tensor.RgbInput;

/**
 * Times {@link Backend#dense} on batches of consecutive video frames: per batch size, the wall time of one call
 * (median and 90th percentile after warm-up), per frame and as frames per second. The peer's dense figures
 * are the comparison; ours include the host-to-device copy of the inputs, the peer's do not, so on a GPU the
 * device time of a call (CUDA events) is reported too, and the joules per frame where the GPU's energy counter
 * can be read.
 */
final class DenseBench {
    private DenseBench() {}

    static ArrayNode run(BenchSettings s, Backend backend, GpuEnergy energy, PrintStream out) throws IOException {
        int largest = Collections.max(s.batches());
        List<RgbInput> frames = new ArrayList<>();
        try (SimulatedCameras video = s.frames(1, largest)) {
            for (int i = 0; i < largest; i++) frames.add(video.step(i).get(0));
        }
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (int batch : s.batches()) {
            List<RgbInput> inputs = frames.subList(0, batch);
            for (int i = 0; i < s.warmup(); i++) backend.denseImages(inputs);
            Samples t = new Samples();
            Samples device = new Samples();
            for (int i = 0; i < s.iterations(); i++) {
                long t0 = System.nanoTime();
                backend.denseImages(inputs);
                t.add((System.nanoTime() - t0) / 1e6);
                if (backend instanceof CudaBackend gpu) device.add(gpu.lastDenseDeviceNanos() / 1e6);
            }
            double perFrame = t.median() / batch;
            ObjectNode row = rows.addObject().put("batch", batch).put("calls", t.count()).put("ms_median", t.median())
                    .put("ms_p90", t.p90()).put("ms_per_frame", perFrame).put("frames_per_s", 1000.0 / perFrame);
            String onDevice = "";
            if (device.count() > 0) {
                row.put("device_ms_median", device.median()).put("device_ms_per_frame", device.median() / batch);
                onDevice = String.format(", on the device %.3f ms/frame", device.median() / batch);
            }
            // the energy window repeats the call for long enough that the board's counter resolves it
            GpuEnergy.Window w = energy.begin("dense b" + batch);
            long calls = 0;
            if (w != null) {
                long until = System.nanoTime() + GpuEnergy.MIN_WINDOW.toNanos();
                while (System.nanoTime() < until) {
                    backend.denseImages(inputs);
                    calls++;
                }
            }
            String joules = energy.end(w, calls * batch, row);
            out.printf("dense  batch %3d: %9.3f ms/call (p90 %.3f), %8.3f ms/frame%s, %8.1f frames/s%s%n",
                    batch, t.median(), t.p90(), perFrame, onDevice, 1000.0 / perFrame, joules);
        }
        return rows;
    }
}
