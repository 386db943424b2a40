package org.cbinfer.job.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cbinfer.job.cli.UsageException;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cuda.CudaBackend;
import org.cbinfer.kernels.post.LabelRule;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.zoo.ReferenceNetwork;

/**
 * What one {@code bench} invocation measures, parsed and checked.
 *
 * @param from first video frame of camera 0
 * @param steps frames per camera
 * @param spread frames between cameras' start offsets, -1 for spread evenly over the video
 * @param warmup change-based steps (keyframe included) and dense calls left out of the figures
 * @param iterations timed dense calls per batch size
 * @param checkEvery compare camera 0 with a dense pass every this many timed steps
 * @param fallbacks the dense fallbacks to run change-based with: "none", "measure" (break-even fractions measured
 *     on the GPU for each camera count), a number (one break-even for every layer) or a fallback file
 * @param probeEvery frames between probes of the measured and single-number fallbacks
 * @param fallbackOut where to write the fallback measured for the first camera count (null: nowhere)
 * @param labels whether the backend returns the task output as label maps made where it computes (the scene
 *     labeling network's; the GPU then downloads those instead of the scores)
 */
public record BenchSettings(BenchModel model, int width, int height, BackendBuilder.Kind kind, int device,
                            Precision precision, Path video, long from, int steps, int spread, List<Integer> cameras,
                            List<Integer> batches, int warmup, int iterations, int checkEvery, List<String> fallbacks,
                            int probeEvery, Path fallbackOut, boolean labels) {
    public BenchSettings {
        if (labels && model.task() != ReferenceNetwork.Task.LABELS) {
            throw new UsageException("--outputs labels needs a segmentation network (scenelabel); " + model.name() + " is not");
        }
    }

    public ImageTensors.Scale scale() {
        return model.scale();
    }

    /** A backend for this benchmark with the given thresholds, without dense fallback. */
    public Backend backend(Thresholds thresholds) {
        return backend(thresholds, DenseFallback.NONE);
    }

    private Backend backend(Thresholds thresholds, DenseFallback fallback) {
        BackendBuilder b = Backend.builder().graph(model.graph()).thresholds(thresholds).denseFallback(fallback).kind(kind)
                .device(device).precision(precision);
        // the rule the streaming job maps segmentation outputs with (several classes: argmax)
        if (labels) b.labels(model.taskOutput(), LabelRule.forProbabilities());
        return b.build();
    }

    /** A backend with the given thresholds and the dense fallback {@code spec} (see {@link #fallbacks}) for batches of {@code cameras}. */
    public Backend backend(Thresholds thresholds, String spec, int cameras, PrintStream out) throws IOException {
        if (spec.equals("none")) return backend(thresholds);
        if (!spec.equals("measure")) return backend(thresholds, fixedFallback(spec));
        try (Backend probe = backend(thresholds)) {
            if (!(probe instanceof CudaBackend gpu)) throw new UsageException("--fallback measure needs the cuda backend");
            DenseFallback measured = gpu.measureBreakEven(Map.of(probe.graph().inputs().get(0).name(),
                    model.inputShape(width, height)), cameras, probeEvery);
            out.println("break-even fractions measured for " + cameras + " cameras: " + measured.layers());
            if (fallbackOut != null && cameras == this.cameras.get(0)) {
                measured.write(fallbackOut);
                out.println("wrote " + fallbackOut);
            }
            return backend(thresholds, measured);
        }
    }

    private DenseFallback fixedFallback(String spec) throws IOException {
        try {
            return DenseFallback.parse(spec, probeEvery);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--fallback: " + e.getMessage());
        }
    }

    /** The cameras' frames: {@code cameras} cameras over this benchmark's frame range. */
    public SimulatedCameras frames(int cameras, int stepsPerCamera) throws java.io.IOException {
        return SimulatedCameras.open(video, width, height, model.scale(), from, stepsPerCamera, cameras, spread);
    }
}
