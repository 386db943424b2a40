package org.cbinfer.kernels.cb;

/**
 * What one layer did for one frame. {@code changedFraction} is the fraction of input positions detected
 * as changed (change-based convolutions; 1 when the layer computed its whole input) or of output positions
 * recomputed (other ops); {@code updatedFraction} the fraction of output positions recomputed; {@code mode}
 * how a change-based convolution computed the frame (keyframes: {@link LayerMode#REKEY}; other ops:
 * {@link LayerMode#CHANGE_BASED}).
 */
public record LayerStats(String name, String type, double changedFraction, double updatedFraction,
                         long macs, long denseMacs, long nanos, LayerMode mode) {}
