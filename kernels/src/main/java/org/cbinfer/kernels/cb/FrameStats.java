package org.cbinfer.kernels.cb;

import java.util.List;

/**
 * Per-frame statistics of a change-based pass: whether it was a keyframe and what each layer did; {@code nanos}
 * the wall time of the call that computed it (of the whole micro-batch), {@code deviceNanos} the part of it the
 * batch spent on an accelerator, from the upload of its inputs to the download of its results (0 on the CPU): the
 * difference is host work and launch overhead.
 */
public record FrameStats(long frame, boolean keyframe, List<LayerStats> layers, long nanos, long deviceNanos) {
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
