package org.cbinfer.operators.inference;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.cbinfer.kernels.backend.BackendBuilder;
import org.cbinfer.kernels.backend.Precision;
import org.cbinfer.kernels.cb.DenseFallback;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tensor.ImageTensors;

/**
 * What the inference operator runs: the model file (read on every task manager), input scaling, thresholds,
 * the per-layer dense fallback, the backend (kind, devices, precision), how often to force a keyframe, the memory budget of the per-camera
 * state cache, micro-batching across cameras, and how often to report per-camera figures. Build with
 * {@link #builder()}.
 */
@PublicEvolving
public final class InferenceSettings implements Serializable {
    private static final long serialVersionUID = 4L;

    private final String modelPath;
    private final ImageTensors.Scale scale;
    private final float defaultThreshold;
    private final LinkedHashMap<String, Float> layerThresholds;
    private final DenseFallback fallback;
    private final BackendBuilder.Kind backend;
    private final int[] devices;
    private final Precision precision;
    private final int keyframeEvery;
    private final long cacheBudgetBytes;
    private final int batchMaxSize;
    private final long batchMaxWaitMs;
    private final int figuresEveryFrames;
    private final long figuresEveryMillis;

    private InferenceSettings(Builder b) {
        this.modelPath = b.modelPath;
        this.scale = b.scale;
        this.defaultThreshold = b.thresholds.defaultValue();
        this.layerThresholds = new LinkedHashMap<>(b.thresholds.layers());
        this.fallback = b.fallback;
        this.backend = b.backend;
        this.devices = b.devices.stream().mapToInt(Integer::intValue).toArray();
        this.precision = b.precision;
        this.keyframeEvery = b.keyframeEvery;
        this.cacheBudgetBytes = b.cacheBudgetBytes;
        this.batchMaxSize = b.batchMaxSize;
        this.batchMaxWaitMs = b.batchMaxWaitMs;
        this.figuresEveryFrames = b.figuresEveryFrames;
        this.figuresEveryMillis = b.figuresEveryMillis;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String modelPath() {
        return modelPath;
    }

    public ImageTensors.Scale scale() {
        return scale;
    }

    public Thresholds thresholds() {
        return Thresholds.of(defaultThreshold, layerThresholds);
    }

    /** When change-based layers compute densely instead (default {@link DenseFallback#NONE}). */
    public DenseFallback fallback() {
        return fallback;
    }

    public BackendBuilder.Kind backend() {
        return backend;
    }

    /**
     * The devices the subtasks spread over when no Flink external resource {@value DeviceAssignment#GPU_RESOURCE}
     * is configured (see {@link DeviceAssignment}).
     */
    public List<Integer> devices() {
        return Arrays.stream(devices).boxed().toList();
    }

    public Precision precision() {
        return precision;
    }

    /** Force a keyframe every this many frames of a camera (0: only on first sight and size changes). */
    public int keyframeEvery() {
        return keyframeEvery;
    }

    /** Bytes of per-camera backend state kept live; cameras beyond it are written back and evicted (LRU). */
    public long cacheBudgetBytes() {
        return cacheBudgetBytes;
    }

    /** Most frames (each of another camera) processed together; 1: no batching. */
    public int batchMaxSize() {
        return batchMaxSize;
    }

    /** Longest (processing time) a frame waits for its batch to fill. */
    public long batchMaxWaitMs() {
        return batchMaxWaitMs;
    }

    /** A camera's figures are reported after this many of its frames (processed or rejected)... */
    public int figuresEveryFrames() {
        return figuresEveryFrames;
    }

    /** ...or once this much time passed since its window started, whichever comes first. */
    public long figuresEveryMillis() {
        return figuresEveryMillis;
    }

    /**
     * Builder with defaults: PM1 scaling, threshold 0 (exact), the CPU backend in fp32, no periodic keyframes,
     * 2 GiB cache, batches of up to 8 frames waiting at most 20 ms, figures every 100 frames or 10 s.
     */
    public static final class Builder {
        private String modelPath;
        private ImageTensors.Scale scale = ImageTensors.Scale.PM1;
        private Thresholds thresholds = Thresholds.uniform(0f);
        private DenseFallback fallback = DenseFallback.NONE;
        private BackendBuilder.Kind backend = BackendBuilder.Kind.CPU;
        private List<Integer> devices = List.of(0);
        private Precision precision = Precision.FP32;
        private int keyframeEvery;
        private long cacheBudgetBytes = 2L << 30;
        private int batchMaxSize = 8;
        private long batchMaxWaitMs = 20;
        private int figuresEveryFrames = 100;
        private long figuresEveryMillis = 10_000;

        public Builder model(String path) {
            this.modelPath = path;
            return this;
        }

        public Builder scale(ImageTensors.Scale s) {
            this.scale = s;
            return this;
        }

        public Builder thresholds(Thresholds t) {
            this.thresholds = t;
            return this;
        }

        public Builder fallback(DenseFallback f) {
            this.fallback = java.util.Objects.requireNonNull(f, "fallback");
            return this;
        }

        /** The backend; subtask {@code i} uses {@code devices[i mod n]} unless the TaskManager has GPU resources. */
        public Builder backend(BackendBuilder.Kind kind, List<Integer> devices, Precision precision) {
            if (devices.isEmpty()) throw new IllegalArgumentException("the device list is empty");
            for (Integer d : devices) {
                if (d == null || d < 0) throw new IllegalArgumentException("device indexes must be >= 0, got " + devices);
            }
            this.backend = java.util.Objects.requireNonNull(kind, "kind");
            this.devices = List.copyOf(devices);
            this.precision = java.util.Objects.requireNonNull(precision, "precision");
            return this;
        }

        public Builder keyframeEvery(int frames) {
            if (frames < 0) throw new IllegalArgumentException("keyframeEvery must be >= 0, got " + frames);
            this.keyframeEvery = frames;
            return this;
        }

        public Builder cacheBudgetBytes(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("cache budget must be positive, got " + bytes);
            this.cacheBudgetBytes = bytes;
            return this;
        }

        public Builder batch(int maxSize, long maxWaitMs) {
            if (maxSize < 1) throw new IllegalArgumentException("batch max size must be >= 1, got " + maxSize);
            if (maxWaitMs < 0) throw new IllegalArgumentException("batch max wait must be >= 0 ms, got " + maxWaitMs);
            this.batchMaxSize = maxSize;
            this.batchMaxWaitMs = maxWaitMs;
            return this;
        }

        public Builder figuresEvery(int frames, long millis) {
            if (frames < 1 || millis < 1) {
                throw new IllegalArgumentException("figures need a window of >= 1 frame and >= 1 ms, got " + frames + ", " + millis);
            }
            this.figuresEveryFrames = frames;
            this.figuresEveryMillis = millis;
            return this;
        }

        public InferenceSettings build() {
            if (modelPath == null) throw new IllegalArgumentException("model path is required");
            return new InferenceSettings(this);
        }
    }

    @Override
    public String toString() {
        return "InferenceSettings{model=" + modelPath + ", scale=" + scale + ", thresholds=" + thresholds()
                + ", fallback=" + fallback + ", backend=" + backend + ":" + devices() + "/" + precision.label() + ", keyframeEvery=" + keyframeEvery
                + ", cacheBudgetBytes=" + cacheBudgetBytes + ", batch=" + batchMaxSize + "/" + batchMaxWaitMs + "ms"
                + ", figuresEvery=" + figuresEveryFrames + "/" + figuresEveryMillis + "ms}";
    }

    Map<String, Float> layerThresholds() {
        return layerThresholds;
    }
}
