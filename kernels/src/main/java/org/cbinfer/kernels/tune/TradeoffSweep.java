package org.cbinfer.kernels.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.FrameStats;
import org.cbinfer.kernels.cb.LayerStats;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The speed/accuracy trade-off of a set of thresholds, as the reference's evaluation showed it: the
 * thresholds scaled by a global factor (0, 0.2, ..., 2 by default), and for each factor the error against
 * the dense outputs, the work done (multiply-accumulates vs dense) and the wall time on the backend, plus each
 * layer's changed fraction on every frame.
 */
public final class TradeoffSweep {
    /** The reference's sweep: 0 to 2 in steps of 0.2. */
    public static final List<Float> DEFAULT_FACTORS = factors(0f, 2f, 0.2f);

    private final Function<Thresholds, Backend> backends;
    private final List<Map<String, Tensor>> frames;
    private final Thresholds thresholds;
    private final List<Float> factorList;
    private final List<TuningLoss> losses;

    private TradeoffSweep(Builder b) {
        this.backends = Objects.requireNonNull(b.backends, "backends");
        this.frames = List.copyOf(Objects.requireNonNull(b.frames, "frames"));
        this.thresholds = Objects.requireNonNull(b.thresholds, "thresholds");
        this.factorList = List.copyOf(b.factors);
        this.losses = List.copyOf(b.losses);
        if (losses.isEmpty()) throw new IllegalArgumentException("a trade-off needs at least one loss");
        if (frames.size() < 2) throw new IllegalArgumentException("a trade-off needs at least 2 frames, got " + frames.size());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code from, from+step, ..., to} without accumulating rounding (0.2 * 3 is 0.6 here, not 0.6000001). */
    public static List<Float> factors(float from, float to, float step) {
        if (!(step > 0)) throw new IllegalArgumentException("step must be > 0, got " + step);
        List<Float> f = new ArrayList<>();
        int n = Math.round((to - from) / step);
        for (int i = 0; i <= n; i++) f.add((float) (Math.round((from + i * (double) step) * 1e6) / 1e6));
        return f;
    }

    /**
     * One point of the sweep.
     *
     * @param errors each loss's value, by its description
     * @param macs multiply-accumulates over the frames after the keyframe; {@code denseMacs} what dense passes do
     * @param seconds wall time of the change-based frames after the keyframe; {@code denseSeconds} of dense passes
     * @param layers the change-based layers, in network order
     * @param changed {@code changed[frame][layer]}: the share of the layer's input positions that changed
     */
    public record Point(float factor, Map<String, Double> errors, long macs, long denseMacs, double seconds,
                        double denseSeconds, int frames, List<String> layers, double[][] changed) {
        /** Dense work over change-based work: the speed-up a perfect implementation would get. */
        public double macSpeedup() {
            return macs == 0 ? Double.POSITIVE_INFINITY : (double) denseMacs / macs;
        }

        /** Dense wall time over change-based wall time on the backend. */
        public double timeSpeedup() {
            return denseSeconds / seconds;
        }
    }

    /** The factors, in the order the points come. */
    public List<Float> factors() {
        return factorList;
    }

    /** Runs the sweep; {@code progress} hears the index of each factor before it runs. */
    public List<Point> run(IntConsumer progress) {
        List<Map<String, Tensor>> reference = new ArrayList<>();
        List<String> layers;
        long denseNanos = 0;
        try (Backend dense = backends.apply(thresholds)) {
            layers = ChangeBasedEngine.changeBasedLayers(dense.graph());
            dense.dense(List.of(frames.get(0))); // warm-up: plans, caches
            for (Map<String, Tensor> f : frames.subList(1, frames.size())) {
                long t0 = System.nanoTime();
                reference.addAll(dense.dense(List.of(f)));
                denseNanos += System.nanoTime() - t0;
            }
        }
        // warm-up: the first change-based pass of a JVM runs slower (JIT, allocation) and would skew the first factor's time
        try (Backend warm = backends.apply(thresholds)) {
            SequenceRun.of(warm, frames.subList(0, Math.min(frames.size(), 4)));
        }
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < factorList.size(); i++) {
            progress.accept(i);
            float factor = factorList.get(i);
            SequenceRun run;
            try (Backend backend = backends.apply(thresholds.scaled(factor))) {
                run = SequenceRun.of(backend, frames);
            }
            Map<String, Double> errors = new LinkedHashMap<>();
            for (TuningLoss l : losses) errors.put(l.describe(), l.evaluate(reference, run.outputs(), run.frames()));
            points.add(new Point(factor, errors, run.macs(), run.denseMacs(), run.nanos() / 1e9, denseNanos / 1e9,
                    run.stats().size(), layers, changed(run.stats(), layers)));
        }
        return points;
    }

    private static double[][] changed(List<FrameStats> stats, List<String> layers) {
        double[][] c = new double[stats.size()][layers.size()];
        for (int f = 0; f < stats.size(); f++) {
            Map<String, LayerStats> byName = new LinkedHashMap<>();
            for (LayerStats l : stats.get(f).layers()) byName.put(l.name(), l);
            for (int k = 0; k < layers.size(); k++) {
                LayerStats l = byName.get(layers.get(k));
                c[f][k] = l == null ? Double.NaN : l.changedFraction();
            }
        }
        return c;
    }

    /** Builds a {@link TradeoffSweep}; backends, frames, thresholds and at least one loss are required. */
    public static final class Builder {
        private Function<Thresholds, Backend> backends;
        private List<Map<String, Tensor>> frames;
        private Thresholds thresholds;
        private List<Float> factors = DEFAULT_FACTORS;
        private final List<TuningLoss> losses = new ArrayList<>();

        private Builder() {}

        /** Makes the backend for one point (closed after it); the first one also gives the dense reference. */
        public Builder backends(Function<Thresholds, Backend> backends) {
            this.backends = backends;
            return this;
        }

        /** The frames, as one stream (frame 0 is its keyframe and does not count). */
        public Builder frames(List<Map<String, Tensor>> frames) {
            this.frames = frames;
            return this;
        }

        /** The thresholds the factors scale (the tuned ones). */
        public Builder thresholds(Thresholds thresholds) {
            this.thresholds = thresholds;
            return this;
        }

        public Builder factors(List<Float> factors) {
            if (factors.isEmpty()) throw new IllegalArgumentException("no factors");
            for (float f : factors) if (!(f >= 0) || Float.isInfinite(f)) throw new IllegalArgumentException("factor " + f + " is not >= 0");
            this.factors = List.copyOf(factors);
            return this;
        }

        /** A loss to report at every point (the first is the headline error). */
        public Builder loss(TuningLoss loss) {
            losses.add(Objects.requireNonNull(loss, "loss"));
            return this;
        }

        public TradeoffSweep build() {
            return new TradeoffSweep(this);
        }
    }
}
