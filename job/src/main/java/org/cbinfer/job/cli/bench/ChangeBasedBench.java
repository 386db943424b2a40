package org.cbinfer.job.cli.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendStream;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.tensor.RgbInput;

/**
 * Change-based inference of several cameras at once: one {@link BackendStream} per camera, each step one
 * {@link Backend#process} call on a frame of every camera. Reports per step the wall time (median, p90), per
 * camera-frame and as camera-frames per second; the MAC ratio reached (dense over done, counted by the
 * backend); the output error of camera 0 against a dense pass of the same frames; per-layer changed
 * fractions; and the state bytes each camera holds.
 */
final class ChangeBasedBench {
    private ChangeBasedBench() {}

    static ObjectNode run(BenchSettings s, Backend backend, int cameras, GpuEnergy energy, PrintStream out) throws IOException {
        if (s.steps() <= s.warmup()) {
            throw new UsageException(s.steps() + " frames per camera leave none to time after " + s.warmup() + " warm-up frames");
        }
        List<BackendStream> streams = new ArrayList<>();
        for (int c = 0; c < cameras; c++) streams.add(backend.newStream());
        Samples steps = new Samples();
        Samples deviceSteps = new Samples();
        LayerProfile layers = new LayerProfile();
        OutputComparison error = new OutputComparison(s.model().task(), s.model().taskOutput());
        int spread;
        GpuEnergy.Window window = null;
        long energyFrames = 0;
        long denseChecks = 0;
        try (SimulatedCameras video = s.frames(cameras, s.steps())) {
            spread = video.spread();
            for (int t = 0; t < s.steps(); t++) {
                List<RgbInput> inputs = video.step(t);
                long t0 = System.nanoTime();
                List<FrameResult> results = backend.processImages(streams, inputs);
                double ms = (System.nanoTime() - t0) / 1e6;
                int timed = t - s.warmup();
                if (timed < 0) continue;
                if (timed == 0) window = energy.begin("cb x" + cameras);
                energyFrames += cameras;
                steps.add(ms);
                deviceSteps.add(results.get(0).stats().deviceNanos() / 1e6);
                for (FrameResult r : results) {
                    if (!r.stats().keyframe()) layers.add(r.stats());
                }
                if (timed % s.checkEvery() == 0) {
                    error.add(backend.denseImageResults(inputs.subList(0, 1)).get(0), results.get(0));
                    denseChecks++;
                }
            }
        }
        // the window also holds the dense checks of camera 0 (a frame every --check-every steps), counted as frames:
        // a dense frame costs more than a change-based one, so this overstates the change-based energy a little
        ObjectNode energyRow = JsonNodeFactory.instance.objectNode();
        String joules = energy.end(window, energyFrames + denseChecks, energyRow);
        long bytes = streams.stream().mapToLong(BackendStream::bytes).sum() / cameras;
        streams.forEach(BackendStream::close);

        double perFrame = steps.median() / cameras;
        double cameraFramesPerS = 1000.0 * cameras * steps.count() / steps.total();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("cameras", cameras).put("camera_spread_frames", spread).put("timed_steps", steps.count())
                .put("step_ms_median", steps.median()).put("step_ms_p90", steps.p90())
                .put("step_device_ms_median", deviceSteps.median())
                .put("ms_per_camera_frame", perFrame).put("camera_frames_per_s", cameraFramesPerS)
                .put("mac_ratio", layers.macRatio()).put("input_changed_fraction", layers.inputChangedFraction())
                .put("bytes_per_camera", bytes);
        o.set("error_vs_dense", error.toJson());
        o.setAll(energyRow);
        o.set("layers", layers.toJson());
        String task = error.taskFigure() == null ? "" : String.format(", %s %.2f", error.taskFigure(), error.taskPercent());
        out.printf("cb  %4d cameras: %9.3f ms/step (p90 %.3f, on the device %.3f), %8.3f ms/camera-frame, %9.1f camera-frames/s, MAC ratio %.2f,"
                        + " input changed %.3f, max abs %.3g, rel L2 %.3g%s, %.1f MiB/camera%s%n",
                cameras, steps.median(), steps.p90(), deviceSteps.median(), perFrame, cameraFramesPerS, layers.macRatio(),
                layers.inputChangedFraction(), error.maxAbs(), error.relL2(), task, bytes / 1048576.0, joules);
        if (cameras == s.cameras().get(0)) out.println("    changed/updated per layer: " + layers.summary());
        return o;
    }
}
