package org.cbinfer.kernels.cb;

import java.util.List;

/** Per-frame statistics of a change-based pass: whether it was a keyframe and what each layer did. */
public record FrameStats(long frame, boolean keyframe, List<LayerStats> layers, long nanos) {
    public FrameStats {
        layers = List.copyOf(layers);
    }

    public long macs() {
        return layers.stream().mapToLong(LayerStats::macs).sum();
    }

    public long denseMacs() {
        return layers.stream().mapToLong(LayerStats::denseMacs).sum();
    }

    /** Fraction of input positions of the first change-based layer that changed (1 on keyframes). */
    public double inputChangedFraction() {
        return layers.stream().filter(l -> l.denseMacs() > 0).findFirst().map(LayerStats::changedFraction).orElse(1.0);
    }
}
