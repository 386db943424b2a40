package org.cbinfer.kernels.cb;

/**
 * What one layer did for one frame. {@code changedFraction} is the fraction of input positions detected
 * as changed (change-based convolutions) or of output positions recomputed (other ops);
 * {@code updatedFraction} the fraction of output positions recomputed.
 */
public record LayerStats(String name, String type, double changedFraction, double updatedFraction,
                         long macs, long denseMacs, long nanos) {}
