package org.cbinfer.operators.inference;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cbinfer.kernels.cb.Thresholds;
import org.cbinfer.kernels.tensor.ImageTensors;

/**
 * What the inference operator runs: the model file (read on every task manager), input scaling,
 * thresholds, how often to force a keyframe, and the memory budget of the per-camera state cache.
 * Build with {@link #builder()}.
 */
public final class InferenceSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String modelPath;
    private final ImageTensors.Scale scale;
    private final float defaultThreshold;
    private final LinkedHashMap<String, Float> layerThresholds;
    private final int keyframeEvery;
    private final long cacheBudgetBytes;

    private InferenceSettings(Builder b) {
        this.modelPath = b.modelPath;
        this.scale = b.scale;
        this.defaultThreshold = b.thresholds.defaultValue();
        this.layerThresholds = new LinkedHashMap<>(b.thresholds.layers());
        this.keyframeEvery = b.keyframeEvery;
        this.cacheBudgetBytes = b.cacheBudgetBytes;
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

    /** Force a keyframe every this many frames of a camera (0: only on first sight and size changes). */
    public int keyframeEvery() {
        return keyframeEvery;
    }

    /** Bytes of per-camera engine state kept live; cameras beyond it are written back and evicted (LRU). */
    public long cacheBudgetBytes() {
        return cacheBudgetBytes;
    }

    /** Builder with defaults: PM1 scaling, threshold 0 (exact), no periodic keyframes, 2 GiB cache. */
    public static final class Builder {
        private String modelPath;
        private ImageTensors.Scale scale = ImageTensors.Scale.PM1;
        private Thresholds thresholds = Thresholds.uniform(0f);
        private int keyframeEvery;
        private long cacheBudgetBytes = 2L << 30;

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

        public InferenceSettings build() {
            if (modelPath == null) throw new IllegalArgumentException("model path is required");
            return new InferenceSettings(this);
        }
    }

    @Override
    public String toString() {
        return "InferenceSettings{model=" + modelPath + ", scale=" + scale + ", thresholds=" + thresholds()
                + ", keyframeEvery=" + keyframeEvery + ", cacheBudgetBytes=" + cacheBudgetBytes + "}";
    }

    Map<String, Float> layerThresholds() {
        return layerThresholds;
    }
}
