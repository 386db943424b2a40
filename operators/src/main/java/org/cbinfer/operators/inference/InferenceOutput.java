package org.cbinfer.operators.inference;

import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The network outputs for one frame of one camera (NCHW float arrays by output name, with their shapes)
 * and what computing them took: whether it was a keyframe, the changed fraction of the first
 * change-based layer's input, multiply-accumulates done vs a dense pass, the backend's processing time,
 * and how many frames (of different cameras) its micro-batch held.
 */
@PublicEvolving
public record InferenceOutput(String camera, long sequence, long captureTimeMillis, String model,
                              Map<String, float[]> outputs, Map<String, int[]> shapes, boolean keyframe,
                              double changedFraction, long macs, long denseMacs, long processingNanos, int batchSize) {}
