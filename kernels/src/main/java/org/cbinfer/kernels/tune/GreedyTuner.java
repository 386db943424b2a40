package org.cbinfer.kernels.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.cbinfer.kernels.backend.Backend;
import org.cbinfer.kernels.cb.ChangeBasedEngine;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tensor.Tensor;

/**
 * The reference's threshold tuner (docs/algorithm.md, "Threshold tuning"): greedy, front to back over the
 * change-based layers. For layer i it starts at {@code th0} and multiplies by {@code growth} while the loss
 * over the tuning frames stays within {@code budget(i)} of the loss after layer i-1 was fixed, and steps back
 * once when it exceeds. Layers not yet tuned keep their current (starting) threshold.
 *
 * <p>Two additions to the reference: when {@code th0} itself exceeds the budget the tuner steps down
 * (divides by {@code growth}) until it fits, and keeps the layer's current threshold if none does within
 * {@code maxSteps}; and growth stops after {@code maxSteps} (a layer the loss does not see would otherwise
 * grow for ever).
 *
 * <p>Every evaluation runs the frames as one stream, from a keyframe, on a fresh backend built by the given
 * factory, so any {@link Backend} (CPU or CUDA) can be tuned; the loss compares with that backend's dense
 * outputs of the same frames. With a {@link TuningJournal} a rerun resumes instead of starting over.
 */
public final class GreedyTuner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<Thresholds, Backend> backends;
    private final List<Map<String, Tensor>> frames;
    private final TuningLoss loss;
    private final LossBudget budget;
    private final Thresholds start;
    private final float th0;
    private final float growth;
    private final int maxSteps;
    private final List<String> layers;
    private final TuningJournal journal;
    private final ObjectNode inputs;
    private final TuningListener listener;

    private List<Map<String, Tensor>> reference;

    private GreedyTuner(Builder b) {
        this.backends = Objects.requireNonNull(b.backends, "backends");
        this.frames = List.copyOf(Objects.requireNonNull(b.frames, "frames"));
        this.loss = Objects.requireNonNull(b.loss, "loss");
        this.budget = Objects.requireNonNull(b.budget, "budget");
        this.start = b.start;
        this.th0 = b.th0;
        this.growth = b.growth;
        this.maxSteps = b.maxSteps;
        this.layers = b.layers;
        this.journal = b.journal;
        this.inputs = b.inputs;
        this.listener = b.listener;
        if (frames.size() < 2) throw new IllegalArgumentException("tuning needs at least 2 frames, got " + frames.size());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The result of a tuning run: the thresholds and, per layer, where it stopped. */
    public record Result(Thresholds thresholds, Evaluation start, List<LayerResult> layers, int evaluations, int evaluationsRun) {
        public Result {
            layers = List.copyOf(layers);
        }

        /** The evaluation of the final thresholds (that of the last layer), or the start one with no layers. */
        public Evaluation last() {
            return layers.isEmpty() ? start : layers.get(layers.size() - 1).evaluation();
        }
    }

    /** One layer's outcome: its threshold, the evaluation at it, and how many thresholds were tried. */
    public record LayerResult(String layer, float threshold, Evaluation evaluation, int tried) {}

    /**
     * Tunes every layer. With a journal, evaluations it already holds are not run again.
     *
     * @throws IOException if the journal cannot be read or written, or belongs to other settings
     */
    public Result tune() throws IOException {
        List<String> order;
        try (Backend probe = backends.apply(start)) {
            List<String> all = ChangeBasedEngine.changeBasedLayers(probe.graph());
            order = layers == null ? all : checkedLayers(all);
            reference = dense(probe);
        }
        journal.begin(settings(order), order);
        try {
            return tune(order);
        } finally {
            journal.close();
        }
    }

    private Result tune(List<String> order) {
        int[] counts = new int[2]; // evaluations, of which run (not from the journal)
        Thresholds current = start;
        Evaluation startEvaluation = evaluate(current, counts);
        Evaluation before = startEvaluation;
        listener.started(order, before);
        List<LayerResult> results = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            String layer = order.get(i);
            double limit = before.loss() + budget.forLayer(i);
            float keptThreshold = current.of(layer);
            Evaluation accepted = null;
            float acceptedThreshold = keptThreshold;
            int tried = 0;
            float th = th0;
            Evaluation e = evaluate(current.with(layer, th), counts);
            tried++;
            listener.evaluated(i, layer, th, e, limit);
            if (e.loss() <= limit) {
                // grow while the loss stays within the budget; the first threshold past it is not kept
                while (true) {
                    accepted = e;
                    acceptedThreshold = th;
                    if (tried > maxSteps) break;
                    th *= growth;
                    e = evaluate(current.with(layer, th), counts);
                    tried++;
                    listener.evaluated(i, layer, th, e, limit);
                    if (!(e.loss() <= limit)) break;
                }
            } else {
                // th0 is already too much for this layer: shrink until it fits
                while (tried <= maxSteps) {
                    th /= growth;
                    e = evaluate(current.with(layer, th), counts);
                    tried++;
                    listener.evaluated(i, layer, th, e, limit);
                    if (e.loss() <= limit) {
                        accepted = e;
                        acceptedThreshold = th;
                        break;
                    }
                }
            }
            if (accepted == null) accepted = before; // nothing fits: the layer keeps its current threshold
            current = current.with(layer, acceptedThreshold);
            before = accepted;
            listener.layerTuned(i, layer, acceptedThreshold, accepted);
            results.add(new LayerResult(layer, acceptedThreshold, accepted, tried));
        }
        return new Result(current, startEvaluation, results, counts[0], counts[1]);
    }

    private List<String> checkedLayers(List<String> all) {
        for (String l : layers) {
            if (!all.contains(l)) throw new IllegalArgumentException("layer '" + l + "' is not a change-based layer; they are " + all);
        }
        return layers;
    }

    private List<Map<String, Tensor>> dense(Backend backend) {
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (Map<String, Tensor> f : frames.subList(1, frames.size())) out.addAll(backend.dense(List.of(f)));
        return out;
    }

    private Evaluation evaluate(Thresholds t, int[] counts) {
        counts[0]++;
        Optional<Evaluation> cached = journal.lookup(t);
        if (cached.isPresent()) return cached.get();
        long t0 = System.nanoTime();
        SequenceRun run;
        try (Backend backend = backends.apply(t)) {
            run = SequenceRun.of(backend, frames);
        }
        double l = loss.evaluate(reference, run.outputs(), run.frames());
        if (Double.isNaN(l)) l = Double.POSITIVE_INFINITY;
        Evaluation e = new Evaluation(t, l, run.macs(), run.denseMacs(), (System.nanoTime() - t0) / 1e9, false);
        counts[1]++;
        journal.record(e);
        return e;
    }

    /** Everything that decides the tuner's path: a journal of other settings must not be replayed. */
    private ObjectNode settings(List<String> order) {
        ObjectNode s = JSON.createObjectNode();
        s.set("inputs", inputs);
        s.put("frames", frames.size());
        s.put("loss", loss.describe());
        s.put("budget", budget.toString());
        s.set("start", start.toJson());
        s.put("th0", th0);
        s.put("growth", growth);
        s.put("max_steps", maxSteps);
        s.set("layers", JSON.valueToTree(order));
        return s;
    }

    /** Builds a {@link GreedyTuner}; backends, frames, loss and budget are required. */
    public static final class Builder {
        private Function<Thresholds, Backend> backends;
        private List<Map<String, Tensor>> frames;
        private TuningLoss loss;
        private LossBudget budget;
        private Thresholds start = Thresholds.uniform(0f);
        private float th0 = 0.05f;
        private float growth = 1.2f;
        private int maxSteps = 24;
        private List<String> layers;
        private TuningJournal journal = TuningJournal.none();
        private ObjectNode inputs = JSON.createObjectNode();
        private TuningListener listener = new TuningListener() {};

        private Builder() {}

        /**
         * Makes the backend that runs one evaluation with the given thresholds (it is closed after it), e.g.
         * {@code t -> Backend.builder().graph(g).kind(kind).thresholds(t).build()}.
         */
        public Builder backends(Function<Thresholds, Backend> backends) {
            this.backends = backends;
            return this;
        }

        /** The tuning frames, in order, as one stream (frame 0 becomes its keyframe and does not count). */
        public Builder frames(List<Map<String, Tensor>> frames) {
            this.frames = frames;
            return this;
        }

        public Builder loss(TuningLoss loss) {
            this.loss = loss;
            return this;
        }

        public Builder budget(LossBudget budget) {
            this.budget = budget;
            return this;
        }

        /** Thresholds before tuning (default 0 everywhere, i.e. exact); untuned layers keep theirs. */
        public Builder start(Thresholds start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /** The first threshold tried for every layer (reference: 0.05 for pose, 0.01 for scene labelling). */
        public Builder initialThreshold(float th0) {
            if (!(th0 > 0) || Float.isInfinite(th0)) throw new IllegalArgumentException("th0 must be > 0, got " + th0);
            this.th0 = th0;
            return this;
        }

        /** The factor between thresholds tried (reference: 1.2). */
        public Builder growth(float growth) {
            if (!(growth > 1) || Float.isInfinite(growth)) throw new IllegalArgumentException("growth must be > 1, got " + growth);
            this.growth = growth;
            return this;
        }

        /** At most this many steps up (or down) from th0 per layer. */
        public Builder maxSteps(int maxSteps) {
            if (maxSteps < 1) throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
            this.maxSteps = maxSteps;
            return this;
        }

        /** Tune only these layers, in this order (default: every change-based layer, front to back). */
        public Builder layers(List<String> layers) {
            this.layers = List.copyOf(layers);
            return this;
        }

        public Builder journal(TuningJournal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /**
         * What the frames are (model, video, range, size, scaling...): recorded in the journal, which refuses
         * to resume a run on other inputs.
         */
        public Builder describeInputs(ObjectNode inputs) {
            this.inputs = inputs.deepCopy();
            return this;
        }

        public Builder listener(TuningListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public GreedyTuner build() {
            return new GreedyTuner(this);
        }
    }
}
