package org.cbinfer.kernels.tune;

import java.util.List;

/** Hears how tuning goes (progress bars, logs). Called on the tuning thread; every method defaults to nothing. */
public interface TuningListener {
    /** Before the first layer: the layers in tuning order and the loss with the starting thresholds. */
    default void started(List<String> layers, Evaluation start) {}

    /**
     * One threshold tried for one layer.
     *
     * @param limit the loss this layer may reach
     */
    default void evaluated(int layerIndex, String layer, float threshold, Evaluation evaluation, double limit) {}

    /** A layer's threshold fixed. */
    default void layerTuned(int layerIndex, String layer, float threshold, Evaluation evaluation) {}
}
