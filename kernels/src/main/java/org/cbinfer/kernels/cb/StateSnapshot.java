package org.cbinfer.kernels.cb;

import java.util.List;
import java.util.Map;

/**
 * The persistent part of a {@link StreamState}: the last frame of every graph input and the committed
 * input of every change-based convolution (in plan order), plus the frame count. Every other value of
 * the state is a function of these (each node output equals its op applied to its current inputs, each
 * convolution output equals the convolution of its committed input), so {@link ChangeBasedEngine#restore}
 * recomputes them with the same kernels and the same summation order: a restored stream continues
 * bit-identically. This is what goes into checkpoints.
 *
 * @param inputShapes shape of every graph input, by name
 * @param lastInputs  the last frame of every graph input, in graph input order
 * @param committed   committed inputs of the change-based convolutions, in plan order
 */
public record StateSnapshot(Map<String, int[]> inputShapes, long frames, List<float[]> lastInputs, List<float[]> committed) {
    public StateSnapshot {
        inputShapes = Map.copyOf(inputShapes);
        lastInputs = List.copyOf(lastInputs);
        committed = List.copyOf(committed);
    }

    /** Float values held (for sizing checkpoints). */
    public long values() {
        long n = 0;
        for (float[] v : lastInputs) n += v.length;
        for (float[] v : committed) n += v.length;
        return n;
    }
}
