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
 * <p>A layer that computes densely under a {@link DenseFallback} does not store its committed input (the
 * current input stands for it); its snapshot entry is that current input, so that the recomputed output is
 * the one the stream had, and its {@link LayerMode} says how its next frame computes.
 *
 * @param inputShapes shape of every graph input, by name
 * @param lastInputs  the last frame of every graph input, in graph input order
 * @param committed   committed inputs of the change-based convolutions, in plan order
 * @param layerModes  the {@link LayerMode} code of each committed input's layer (same order; empty: all
 *                    change-based, as snapshots written before the fallback existed)
 */
public record StateSnapshot(Map<String, int[]> inputShapes, long frames, List<float[]> lastInputs, List<float[]> committed,
                            byte[] layerModes) {
    public StateSnapshot {
        inputShapes = Map.copyOf(inputShapes);
        lastInputs = List.copyOf(lastInputs);
        committed = List.copyOf(committed);
        layerModes = layerModes.clone();
        if (layerModes.length != 0 && layerModes.length != committed.size()) {
            throw new IllegalArgumentException(layerModes.length + " layer modes for " + committed.size() + " committed inputs");
        }
        for (byte m : layerModes) LayerMode.of(m);
    }

    /** A snapshot whose layers are all change-based. */
    public StateSnapshot(Map<String, int[]> inputShapes, long frames, List<float[]> lastInputs, List<float[]> committed) {
        this(inputShapes, frames, lastInputs, committed, new byte[0]);
    }

    /** The mode of the i-th committed input's layer. */
    public LayerMode layerMode(int i) {
        return layerModes.length == 0 ? LayerMode.CHANGE_BASED : LayerMode.of(layerModes[i]);
    }

    /** Float values held (for sizing checkpoints). */
    public long values() {
        long n = 0;
        for (float[] v : lastInputs) n += v.length;
        for (float[] v : committed) n += v.length;
        return n;
    }
}
