package org.cbinfer.operators.inference;

import org.apache.flink.annotation.PublicEvolving;

/**
 * One camera's figures over a window of its frames (see {@link InferenceSettings#figuresEveryFrames()}): frames
 * processed and rejected, their rate, latency from arrival at the operator to result (batching wait included),
 * the mean changed fraction of the input over non-keyframes (NaN when there were none) and the keyframes.
 */
@PublicEvolving
public record CameraFigures(String camera, long windowStartMillis, long windowEndMillis, long frames, long rejected,
                            long keyframes, double fps, double meanLatencyMs, double maxLatencyMs,
                            double meanChangedFraction, long lastSequence) {}
