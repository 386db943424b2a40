package org.cbinfer.kernels.backend;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.graph.Graph;
import org.cbinfer.kernels.post.LabelOutputs;
import org.cbinfer.kernels.post.LabelRule;

/**
 * Builds a {@link Backend}. Defaults: the CPU backend, fp32, recursive (feedback) change detection,
 * thresholds 0 (exactly the dense result), no dense fallback, every output returned as a tensor.
 *
 * <pre>{@code
 * Backend b = Backend.builder().graph(ModelFiles.load(model)).thresholds(t)
 *         .kind(BackendBuilder.Kind.AUTO).device(0).precision(Precision.TF32).build();
 * }</pre>
 */
public final class BackendBuilder {
    /** Which hardware runs the model. */
    public enum Kind {
        CPU, CUDA,
        /**
         * CUDA when a GPU and the project's CUDA kernels are present, else the CPU - in fp32 whatever precision was
         * asked: a reduced precision is what the GPU may trade for speed, and the CPU computes exactly.
         */
        AUTO;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown backend '" + s + "'; expected cpu, cuda or auto");
            }
        }
    }

    private Graph graph;
    private Thresholds thresholds = Thresholds.uniform(0f);
    private Kind kind = Kind.CPU;
    private int device = 0;
    private Precision precision = Precision.FP32;
    private boolean recursive = true;
    private DenseFallback fallback = DenseFallback.NONE;
    private long gatherBudget = DEFAULT_GATHER_BUDGET;
    private final Map<String, LabelRule> labels = new LinkedHashMap<>();
    private boolean keepLabelledTensors;

    /** Device memory the CUDA backend gives a batch's gathered GEMM rows by default (512 MiB). */
    public static final long DEFAULT_GATHER_BUDGET = 512L << 20;

    BackendBuilder() {}

    public BackendBuilder graph(Graph graph) {
        this.graph = Objects.requireNonNull(graph, "graph");
        return this;
    }

    public BackendBuilder thresholds(Thresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
        return this;
    }

    public BackendBuilder kind(Kind kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
        return this;
    }

    /** CUDA device index (ignored by the CPU backend). */
    public BackendBuilder device(int device) {
        if (device < 0) throw new IllegalArgumentException("device index must be >= 0, got " + device);
        this.device = device;
        return this;
    }

    public BackendBuilder precision(Precision precision) {
        this.precision = Objects.requireNonNull(precision, "precision");
        return this;
    }

    /** False selects the non-recursive ablation (committed inputs replaced every frame; drift unbounded). */
    public BackendBuilder recursive(boolean recursive) {
        this.recursive = recursive;
        return this;
    }

    /** When change-based layers compute densely instead (default {@link DenseFallback#NONE}: never). */
    public BackendBuilder denseFallback(DenseFallback fallback) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        return this;
    }

    /**
     * Device memory (bytes) the CUDA backend gives the rows of a batch's change-based GEMMs at once (default 512 MiB):
     * more rows than fit are processed in several chunks. Ignored by the CPU backend.
     */
    public BackendBuilder gatherBudget(long bytes) {
        if (bytes < 1 << 16) throw new IllegalArgumentException("gather budget must be at least 64 KiB, got " + bytes);
        this.gatherBudget = bytes;
        return this;
    }

    /**
     * Returns graph output {@code output}, a segmentation output {@code [1, C, H, W]} of at most 256 labels, as a
     * label map ({@code FrameResult.labels}, {@code DenseResult.labels}) made by {@code rule} where the backend
     * computes, instead of its tensor: a GPU backend then downloads one byte a pixel, not the scores. Call once per
     * output.
     */
    public BackendBuilder labels(String output, LabelRule rule) {
        labels.put(Objects.requireNonNull(output, "output"), Objects.requireNonNull(rule, "rule"));
        return this;
    }

    /**
     * Also returns the tensors of the outputs returned as labels (default false): for checking label maps against
     * the scores they came from, at the cost of downloading both.
     */
    public BackendBuilder keepLabelledTensors(boolean keep) {
        this.keepLabelledTensors = keep;
        return this;
    }

    public Backend build() {
        if (graph == null) throw new IllegalStateException("a backend needs a graph");
        for (String output : labels.keySet()) {
            if (!graph.outputs().contains(output)) {
                throw new IllegalArgumentException("label maps of '" + output + "': not an output of the graph " + graph.outputs());
            }
        }
        LabelOutputs outputs = labels.isEmpty() ? LabelOutputs.NONE : new LabelOutputs(labels, keepLabelledTensors);
        return switch (kind) {
            case CPU -> cpu(outputs);
            case CUDA -> cuda(outputs);
            case AUTO -> CudaSupport.available() ? cuda(outputs) : new CpuBackend(graph, thresholds, recursive, fallback, outputs);
        };
    }

    private Backend cpu(LabelOutputs outputs) {
        if (precision != Precision.FP32) {
            throw new IllegalArgumentException("the CPU backend computes in fp32 only, not " + precision.label());
        }
        return new CpuBackend(graph, thresholds, recursive, fallback, outputs);
    }

    private Backend cuda(LabelOutputs outputs) {
        return CudaSupport.open(graph, thresholds, recursive, fallback, device, precision, gatherBudget, outputs);
    }
}
