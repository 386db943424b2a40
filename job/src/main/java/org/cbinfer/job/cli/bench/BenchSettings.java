package org.cbinfer.job.cli.bench;

import java.nio.file.Path;
import java.util.List;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tensor.ImageTensors;

/**
 * What one {@code bench} invocation measures, parsed and checked.
 *
 * @param from first video frame of camera 0
 * @param steps frames per camera
 * @param spread frames between cameras' start offsets, -1 for spread evenly over the video
 * @param warmup change-based steps (keyframe included) and dense calls left out of the figures
 * @param iterations timed dense calls per batch size
 * @param checkEvery compare camera 0 with a dense pass every this many timed steps
 */
public record BenchSettings(BenchModel model, int width, int height, BackendBuilder.Kind kind, int device,
                            Precision precision, Path video, long from, int steps, int spread, List<Integer> cameras,
                            List<Integer> batches, int warmup, int iterations, int checkEvery) {

    public ImageTensors.Scale scale() {
        return model.scale();
    }

    /** A backend for this benchmark with the given thresholds. */
    public Backend backend(Thresholds thresholds) {
        return Backend.builder().graph(model.graph()).thresholds(thresholds).kind(kind).device(device).precision(precision).build();
    }

    /** The cameras' frames: {@code cameras} cameras over this benchmark's frame range. */
    public CameraFrames frames(int cameras, int stepsPerCamera) throws java.io.IOException {
        return CameraFrames.open(video, width, height, model.scale(), from, stepsPerCamera, cameras, spread);
    }
}
