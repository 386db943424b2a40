package org.cbinfer.job.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.kernels.cb.ChangeBasedSession;
import org.cbinfer.kernels.cb.FrameResult;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.cpu.DenseExecutor;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.io.ModelFiles;
import org.cbinfer.kernels.tensor.ImageTensors;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * {@code engine-demo} ({@code demo --engine-only}): the engine on the sample video. Runs PoseNet change-based over vtest.avi frames on the
 * CPU, prints per frame how much of the picture changed and how much work that took against a dense
 * pass, and every {@code --check-every} frames runs the dense model too and reports how far the
 * change-based outputs are from it (max error over all outputs, and in how many heatmap channels,
 * i.e. keypoints, the arg-max cell is the same).
 */
public final class EngineDemoCommand {
    public static final String USAGE = "engine-demo (or demo --engine-only) [--frames N] [--size WxH] [--threshold T] [--model PATH] [--video FILE] [--check-every K]";

    private EngineDemoCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, Set.of("frames", "size", "threshold", "model", "video", "check-every", "start"), Set.of());
        int frames = args.intValue("frames", 100);
        int start = args.intValue("start", 0);
        int checkEvery = Math.max(1, args.intValue("check-every", 10));
        int[] size = args.size("size") == null ? new int[] {385, 385} : args.size("size");
        float threshold = args.floatValue("threshold", 0.03f);
        Path model = Path.of(args.get("model", DataPaths.resolve("models/tfjs/posenet.json").toString()));
        Path video = Path.of(args.get("video", DataPaths.resolve("video/vtest.avi").toString()));

        Graph graph = ModelFiles.load(model);
        String heatmap = graph.outputs().stream().filter(o -> o.contains("heatmap")).findFirst().orElse(graph.outputs().get(0));
        DenseExecutor dense = new DenseExecutor(graph);
        ChangeBasedSession cb = new ChangeBasedSession(graph, Thresholds.uniform(threshold));
        out.printf("CBinfer demo: %s on %s, frames %d..%d at %dx%d, threshold %.3f, CPU backend (%d cores)%n",
                model.getFileName(), video.getFileName(), start, start + frames, size[0], size[1], threshold,
                Runtime.getRuntime().availableProcessors());
        out.println("frame  changed-pixels  MACs-vs-dense  cb-ms   dense-ms  max-err  keypoints-agree");
        double sumMacs = 0, sumDense = 0, cbMs = 0, denseMs = 0, worstErr = 0, worstRange = 0;
        String worstOutput = "";
        int checked = 0, agreeing = 0, keypoints = 0, n = 0;
        List<String> args2 = List.of("--video", video.toString(), "--frames", start + ":" + (start + frames),
                "--resize", size[0] + "x" + size[1]);
        try (FrameSource source = FrameSource.open(Args.parse(args2, Set.of("video", "frames", "resize"), Set.of()))) {
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
        if (n < 2) throw new Args.UsageException("the demo needs at least 2 frames");
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
