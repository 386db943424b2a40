package org.cbinfer.job.cli.tune;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.cbinfer.kernels.tune.Evaluation;
import org.cbinfer.kernels.tune.TuningListener;

/**
 * The tuner's progress on the console: a bar over the layers, the threshold being tried, and an ETA. How many
 * thresholds a layer will take is not known in advance, so the ETA assumes the remaining layers take as many
 * evaluations as the tuned ones did on average, each as long as the evaluations run so far (those replayed from
 * the journal cost nothing and do not count). On a terminal the line redraws in place; in a log every
 * evaluation gets a line of its own.
 */
public final class ProgressBar implements TuningListener {
    private static final int WIDTH = 30;
    /** Evaluations per layer assumed before any layer is done (typical of PoseNet with the defaults). */
    private static final double FIRST_GUESS = 6;

    private final PrintStream out;
    private final boolean redraw;
    private final long started = System.nanoTime();
    private List<String> layers;

    private int evaluationsDoneLayers;
    private int layersDone;
    private int inLayer;
    private double runSeconds;
    private int run;

    public ProgressBar(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    @Override
    public void started(List<String> layers, Evaluation start) {
        this.layers = layers;
        count(start);
        out.printf(Locale.ROOT, "tuning %d layers; with the starting thresholds: loss %.4g, work %.1f%% of dense%s%n", layers.size(),
                start.loss(), 100 * start.workFraction(), start.cached() ? " (from the journal)" : "");
    }

    @Override
    public void evaluated(int layerIndex, String layer, float threshold, Evaluation e, double limit) {
        count(e);
        inLayer++;
        String line = String.format(Locale.ROOT, "%s %d/%d %s th %.4g: loss %.4g %s %.4g, work %.1f%%%s | %s elapsed, ETA %s",
                bar(), layerIndex + 1, layers.size(), layer, threshold, e.loss(), e.loss() <= limit ? "<=" : "> ", limit,
                100 * e.workFraction(), e.cached() ? " (journal)" : "", duration((System.nanoTime() - started) / 1e9), eta());
        if (redraw) {
            out.print("\r" + line + "\033[K");
            out.flush();
        } else {
            out.println(line);
        }
    }

    @Override
    public void layerTuned(int layerIndex, String layer, float threshold, Evaluation e) {
        layersDone++;
        evaluationsDoneLayers += inLayer;
        inLayer = 0;
        if (redraw) out.print("\r\033[K");
        out.printf(Locale.ROOT, "layer %d/%d %s: threshold %.4g, loss %.4g, work %.1f%% of dense%n", layerIndex + 1, layers.size(),
                layer, threshold, e.loss(), 100 * e.workFraction());
    }

    private void count(Evaluation e) {

        if (!e.cached()) {
            run++;
            runSeconds += e.seconds();
        } else if (run == 0) {
            runSeconds = e.seconds(); // until something runs, the journal's timings are the best guess
        }
    }

    private String bar() {
        double done = layers.isEmpty() ? 1 : Math.min(1, (layersDone + Math.min(0.9, inLayer / perLayer())) / layers.size());
        int full = (int) Math.round(done * WIDTH);
        return "[" + "#".repeat(full) + ".".repeat(WIDTH - full) + "]" + String.format(Locale.ROOT, " %3.0f%%", 100 * done);
    }

    private double perLayer() {
        return layersDone == 0 ? FIRST_GUESS : (double) evaluationsDoneLayers / layersDone;
    }

    private String eta() {
        double perEvaluation = run > 0 ? runSeconds / run : runSeconds;
        if (perEvaluation <= 0) return "?";
        double remaining = Math.max(0, (layers.size() - layersDone) * perLayer() - inLayer) * perEvaluation;
        return "~" + duration(remaining);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

}
