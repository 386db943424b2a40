package org.cbinfer.job.cli.tune;

import java.nio.file.Path;
import org.cbinfer.job.cli.BackendOptions;
import org.cbinfer.job.cli.FrameRange;
import org.cbinfer.job.cli.ImageSize;
import org.cbinfer.kernels.tensor.ImageTensors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options {@code tune} and {@code tradeoff} share: the model, the frames it runs on and the backend; {@link TuningInputs#load} reads them. */
public final class TuningOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "a TensorFlow.js graph model (model.json) or an ONNX model (.onnx) with one image input")
    Path model;

    @Option(names = "--video", required = true, paramLabel = "FILE", description = "the video whose frames it runs on")
    Path video;

    @Option(names = "--frames", paramLabel = "A:B", description = "frames A (inclusive) to B (exclusive) of the video (default: all)")
    FrameRange frames;

    @Option(names = "--size", paramLabel = "WxH", description = "scale the frames to WxH (default: the video's size)")
    ImageSize size;

    @Option(names = "--scale", required = true, paramLabel = "pm1|unit|raw",
            description = "input pixel scaling: pm1 = x/127.5-1 (PoseNet), unit = x/255, raw = 0..255")
    ImageTensors.Scale scale;

    @Mixin
    BackendOptions backend;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0", description = "CUDA device index (default: ${DEFAULT-VALUE})")
    int device;
}
