package org.cbinfer.job.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cbinfer.kernels.cuda.GpuPowerMeter;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Joules per frame for the bench's timed windows, from the GPU's energy counter ({@link GpuPowerMeter}), and the
 * power log of the whole run as a picture with one marker per window. Inactive (every figure absent) when the
 * backend is not a GPU or NVML cannot be read: {@link #why()} then says why.
 */
final class GpuEnergy implements AutoCloseable {
    /** How long a window a bench part repeats its work for, where it can (dense passes): the counter's resolution. */
    static final Duration MIN_WINDOW = Duration.ofSeconds(2);

    private final GpuPowerMeter meter;
    private final String why;
    private final long startNanos = System.nanoTime();

    private GpuEnergy(GpuPowerMeter meter, String why) {
        this.meter = meter;
        this.why = why;
    }

    /** Measures GPU {@code device} where {@code gpu} (the backend is one), else inactive. */
    static GpuEnergy open(boolean gpu, int device) {
        if (!gpu) return new GpuEnergy(null, "the backend is not a GPU");
        try {
            return new GpuEnergy(GpuPowerMeter.open(device, Duration.ofMillis(10)), null);
        } catch (IllegalStateException | UnsatisfiedLinkError e) {
            return new GpuEnergy(null, e.getMessage());
        }
    }

    boolean active() {
        return meter != null;
    }

    /** Why there are no energy figures (null when active). */
    String why() {
        return why;
    }

    /** Where a timed window starts: a marker in the power log, the counter's reading. Null when inactive. */
    Window begin(String label) {
        if (meter == null) return null;
        meter.mark(label);
        return new Window(meter.energyMillijoules(), System.nanoTime());
    }

    /**
     * Puts {@code joules_per_frame}, {@code energy_window_s} and {@code mean_watts} for {@code frames} frames done
     * since {@code w} into {@code row}; returns them as a line's suffix ("" when inactive).
     */
    String end(Window w, long frames, ObjectNode row) {
        if (w == null || frames <= 0) return "";
        long mj = meter.energyMillijoules() - w.millijoules();
        double seconds = (System.nanoTime() - w.nanos()) / 1e9;
        double joulesPerFrame = mj / 1000.0 / frames;
        row.put("joules_per_frame", joulesPerFrame).put("energy_window_s", seconds).put("mean_watts", mj / 1000.0 / seconds);
        return String.format(", %.2f mJ/frame (%.0f W over %.2f s)", joulesPerFrame * 1000, mj / 1000.0 / seconds, seconds);
    }

    /** Writes the power over the run, with the windows' markers, as a PNG. */
    void plot(Path png, String title) throws IOException {
        if (meter == null) return;
        List<GpuPowerMeter.Sample> samples = meter.samples();
        if (samples.isEmpty()) return;
        XYChart chart = new XYChartBuilder().width(1200).height(500).title(title).xAxisTitle("s").yAxisTitle("W").build();
        chart.getStyler().setLegendVisible(false);
        double[] t = samples.stream().mapToDouble(s -> (s.nanos() - startNanos) / 1e9).toArray();
        double[] w = samples.stream().mapToDouble(GpuPowerMeter.Sample::watts).toArray();
        XYSeries power = chart.addSeries("power", t, w);
        power.setMarker(SeriesMarkers.NONE);
        double top = java.util.Arrays.stream(w).max().orElse(1);
        for (GpuPowerMeter.Marker m : meter.markers()) {
            double x = (m.nanos() - startNanos) / 1e9;
            chart.addAnnotation(new AnnotationLine(x, true, false));
            chart.addAnnotation(new AnnotationText(m.label(), x, top * 1.02, false));
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    @Override
    public void close() {
        if (meter != null) meter.close();
    }

    /** The counter and the clock where a window began. */
    record Window(long millijoules, long nanos) {}
}
