package org.cbinfer.job.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.kernels.cb.ChangeBasedSession;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engine-demo} ({@code demo --engine-only}): the engine on the sample video. Runs PoseNet change-based over vtest.avi frames on the
 * CPU, prints per frame how much of the picture changed and how much work that took against a dense
 * pass, and every {@code --check-every} frames runs the dense model too and reports how far the
 * change-based outputs are from it (max error over all outputs, and in how many heatmap channels,
 * i.e. keypoints, the arg-max cell is the same).
 */
@Command(name = "engine-demo", header = "The engine alone on the sample video: change-based PoseNet vs dense, live figures.",
        description = {
        "The engine alone on the sample video, without Kafka or Flink ('demo --engine-only' is the same): PoseNet"
                + " change-based on the CPU, per frame the share of input pixels that changed, the MACs done against a dense"
                + " pass and the time; every --check-every frames also the dense model, the largest output difference and in"
                + " how many keypoint heatmaps the arg-max cell agrees."})
public final class EngineDemoCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "100", description = "frames to run (default: ${DEFAULT-VALUE})")
    private int frames;

    @Option(names = "--start", paramLabel = "F", defaultValue = "0", description = "first video frame (default: ${DEFAULT-VALUE})")
    private int start;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "385x385", description = "input size (default: ${DEFAULT-VALUE})")
    private ImageSize size;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.03",
            description = "the change threshold of every layer (default: ${DEFAULT-VALUE})")
    private float threshold;

    @Option(names = "--model", paramLabel = "PATH", description = "the model (default: models/tfjs/posenet.json of the sample data)")
    private Path model;

    @Option(names = "--video", paramLabel = "FILE", description = "the video (default: video/vtest.avi of the sample data)")
    private Path video;

    @Option(names = "--check-every", paramLabel = "K", defaultValue = "10",
            description = "run the dense model too every K frames and compare (default: ${DEFAULT-VALUE})")
    private int checkEvery;

    public EngineDemoCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (frames < 2) throw new UsageException("the demo needs at least 2 frames");
        if (start < 0) throw new UsageException("--start must be >= 0, got " + start);
        int checkEvery = Math.max(1, this.checkEvery);
        Path model = this.model != null ? this.model : DataPaths.resolve("models/tfjs/posenet.json");
        Path video = this.video != null ? this.video : DataPaths.resolve("video/vtest.avi");

        Graph graph = ModelFiles.load(model);
        String heatmap = graph.outputs().stream().filter(o -> o.contains("heatmap")).findFirst().orElse(graph.outputs().get(0));
        DenseExecutor dense = new DenseExecutor(graph);
        ChangeBasedSession cb = new ChangeBasedSession(graph, Thresholds.uniform(threshold));
        out.printf("CBinfer demo: %s on %s, frames %d..%d at %dx%d, threshold %.3f, CPU backend (%d cores)%n",
                model.getFileName(), video.getFileName(), start, start + frames, size.width(), size.height(), threshold,
                Runtime.getRuntime().availableProcessors());
        out.println("frame  changed-pixels  MACs-vs-dense  cb-ms   dense-ms  max-err  keypoints-agree");
        double sumMacs = 0, sumDense = 0, cbMs = 0, denseMs = 0, worstErr = 0, worstRange = 0;
        String worstOutput = "";
        int checked = 0, agreeing = 0, keypoints = 0, n = 0;
        try (FrameSource source = FrameSource.video(video, new FrameRange(start, start + frames), size)) {
            for (VideoFrame f; (f = source.next()) != null; n++) {
                Tensor input = ImageTensors.fromRgb(f.rgb(), 0, f.width(), f.height(), ImageTensors.Scale.PM1);
                FrameResult r = cb.process(input);
                double ms = r.stats().nanos() / 1e6;
                if (n > 0) {
                    sumMacs += r.stats().macs();
                    sumDense += r.stats().denseMacs();
                    cbMs += ms;
                }
                String check = "";
                if (n > 0 && n % checkEvery == 0) {
                    long t0 = System.nanoTime();
                    Map<String, Tensor> reference = dense.run(input);
                    double dms = (System.nanoTime() - t0) / 1e6;
                    denseMs += dms;
                    checked++;
                    double err = 0;
                    for (String name : reference.keySet()) {
                        double e = maxAbsDiff(reference.get(name), r.outputs().get(name));
                        err = Math.max(err, e);
                        if (e > worstErr) {
                            worstErr = e;
                            worstOutput = name;
                            worstRange = maxAbs(reference.get(name));
                        }
                    }
                    int[] agree = argmaxAgreement(reference.get(heatmap), r.outputs().get(heatmap));
                    agreeing += agree[0];
                    keypoints += agree[1];
                    check = String.format("%8.1f  %7.4f  %d/%d", dms, err, agree[0], agree[1]);
                }
                out.printf("%5d  %13.2f%%  %12.1f%%  %6.1f%s  %s%n", f.index(), 100 * r.stats().inputChangedFraction(),
                        100.0 * r.stats().macs() / r.stats().denseMacs(), ms, r.stats().keyframe() ? " key" : "    ", check);
            }
        }
        if (n < 2) throw new UsageException("the demo needs at least 2 frames");
        out.printf("%nsummary over %d frames after the keyframe:%n", n - 1);
        out.printf("  change-based MACs: %.1f%% of dense (ceiling speed-up %.2fx)%n", 100 * sumMacs / sumDense, sumDense / sumMacs);
        out.printf("  change-based: %.1f ms/frame on average%n", cbMs / (n - 1));
        if (checked > 0) {
            out.printf("  dense: %.1f ms/frame (%d frames checked): wall-clock speed-up %.2fx%n", denseMs / checked, checked,
                    (denseMs / checked) / (cbMs / (n - 1)));
            out.printf("  largest output difference vs dense: %.4f in %s (whose values reach +-%.1f)%n", worstErr, worstOutput, worstRange);
            out.printf("  keypoint heatmap arg-max agreement with dense: %d/%d%n", agreeing, keypoints);
        }
        return 0;
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.data()) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        return m;
    }

    /** For a [1, C, H, W] output: in how many of the C channels the position of the maximum agrees. */
    private static int[] argmaxAgreement(Tensor a, Tensor b) {
        if (a.rank() != 4) return new int[] {0, 0};
        int c = a.dim(1), plane = a.dim(2) * a.dim(3), agree = 0;
        for (int ch = 0; ch < c; ch++) {
            if (argmax(a.data(), ch * plane, plane) == argmax(b.data(), ch * plane, plane)) agree++;
        }
        return new int[] {agree, c};
    }

    private static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[off + i] > v[off + best]) best = i;
        return best;
    }
}
