package org.cbinfer.job.cli.tune;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cbinfer.kernels.tune.TradeoffSweep;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * Writes a trade-off sweep: {@code tradeoff.csv} (one row per factor), {@code changed.csv} (per factor, frame
 * and layer: the changed fraction), {@code tradeoff.md} (the table for docs), and two plots drawn with XChart:
 * {@code tradeoff.png} (error against speed-up, in multiply-accumulates and in wall time) and
 * {@code changed.png} (each layer's changed fraction on every frame, at factor 1: the tuned thresholds).
 */
public final class TradeoffReport {
    private final List<TradeoffSweep.Point> points;
    private final String title;

    /** @param title what was swept, e.g. "posenet.json on vtest.avi 300:360 at 385x385, cpu" */
    public TradeoffReport(List<TradeoffSweep.Point> points, String title) {
        if (points.isEmpty()) throw new IllegalArgumentException("no points");
        this.points = List.copyOf(points);
        this.title = title;
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeCsv(dir.resolve("tradeoff.csv"));
        writeChangedCsv(dir.resolve("changed.csv"));
        Files.writeString(dir.resolve("tradeoff.md"), markdown(), StandardCharsets.UTF_8);
        BitmapEncoder.saveBitmap(tradeoffChart(), dir.resolve("tradeoff.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(changedChart(), dir.resolve("changed.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private List<String> errorNames() {
        return new ArrayList<>(points.get(0).errors().keySet());
    }

    private void writeCsv(Path file) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.print("factor");
            for (String e : errorNames()) w.print("," + e.replace(',', ';'));
            w.println(",macs,dense_macs,work_fraction,mac_speedup,cb_ms_per_frame,dense_ms_per_frame,time_speedup,frames");
            for (TradeoffSweep.Point p : points) {
                w.print(fmt(p.factor()));
                for (String e : errorNames()) w.print("," + fmt(p.errors().get(e)));
                w.printf(Locale.ROOT, ",%d,%d,%s,%s,%s,%s,%s,%d%n", p.macs(), p.denseMacs(), fmt((double) p.macs() / p.denseMacs()),
                        fmt(p.macSpeedup()), fmt(1e3 * p.seconds() / p.frames()), fmt(1e3 * p.denseSeconds() / p.frames()),
                        fmt(p.timeSpeedup()), p.frames());
            }
        }
    }

    private void writeChangedCsv(Path file) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("factor,frame,layer_index,layer,changed_fraction");
            for (TradeoffSweep.Point p : points) {
                for (int f = 0; f < p.changed().length; f++) {
                    for (int l = 0; l < p.layers().size(); l++) {
                        w.printf(Locale.ROOT, "%s,%d,%d,%s,%s%n", fmt(p.factor()), f + 1, l + 1, p.layers().get(l), fmt(p.changed()[f][l]));
                    }
                }
            }
        }
    }

    /** The table for docs: one row per factor. */
    public String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("| factor | ");
        for (String e : errorNames()) s.append(e).append(" | ");
        s.append("MACs vs dense | MAC speed-up | ms/frame | dense ms/frame | time speed-up |\n|---|");
        s.append("---|".repeat(errorNames().size() + 5)).append('\n');
        for (TradeoffSweep.Point p : points) {
            s.append(String.format(Locale.ROOT, "| %.1f | ", p.factor()));
            for (String e : errorNames()) s.append(String.format(Locale.ROOT, "%.4g | ", p.errors().get(e)));
            s.append(String.format(Locale.ROOT, "%.1f%% | %.2fx | %.0f | %.0f | %.2fx |%n", 100.0 * p.macs() / p.denseMacs(),
                    p.macSpeedup(), 1e3 * p.seconds() / p.frames(), 1e3 * p.denseSeconds() / p.frames(), p.timeSpeedup()));
        }
        return s.toString();
    }

    private XYChart tradeoffChart() {
        String error = errorNames().get(0);
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Error vs speed-up: " + title)
                .xAxisTitle("speed-up over dense (x)").yAxisTitle(error + " vs dense").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW).setMarkerSize(8);
        chart.getStyler().setXAxisDecimalPattern("0.00").setYAxisDecimalPattern("0.0###");
        double[] y = points.stream().mapToDouble(p -> p.errors().get(error)).toArray();
        double[] macs = points.stream().mapToDouble(TradeoffSweep.Point::macSpeedup).toArray();
        double[] time = points.stream().mapToDouble(TradeoffSweep.Point::timeSpeedup).toArray();
        XYSeries a = chart.addSeries("work (dense MACs / change-based MACs)", macs, y);
        a.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        XYSeries b = chart.addSeries("wall time (dense / change-based)", time, y);
        b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        for (TradeoffSweep.Point p : points) {
            chart.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "x%.1f", p.factor()), p.macSpeedup(),
                    p.errors().get(error), false));
        }
        return chart;
    }

    /** The point at factor 1 (the thresholds as tuned), or the one closest to it. */
    private TradeoffSweep.Point tuned() {
        TradeoffSweep.Point best = points.get(0);
        for (TradeoffSweep.Point p : points) if (Math.abs(p.factor() - 1) < Math.abs(best.factor() - 1)) best = p;
        return best;
    }

    private HeatMapChart changedChart() {
        TradeoffSweep.Point p = tuned();
        HeatMapChart chart = new HeatMapChartBuilder().width(900).height(560)
                .title(String.format(Locale.ROOT, "Changed fraction per layer and frame (factor %.1f): %s", p.factor(), title))
                .xAxisTitle("frame (after the keyframe)").yAxisTitle("change-based layer (network order)").build();
        chart.getStyler().setMin(0).setMax(1).setShowValue(false).setLegendPosition(Styler.LegendPosition.OutsideE);
        List<Integer> frames = new ArrayList<>();
        for (int f = 1; f <= p.changed().length; f++) frames.add(f);
        List<Integer> layers = new ArrayList<>();
        for (int l = 1; l <= p.layers().size(); l++) layers.add(l);
        List<Number[]> heat = new ArrayList<>();
        for (int f = 0; f < p.changed().length; f++) {
            for (int l = 0; l < p.layers().size(); l++) heat.add(new Number[] {f, l, p.changed()[f][l]});
        }
        chart.addSeries("changed fraction", frames, layers, heat);
        return chart;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
