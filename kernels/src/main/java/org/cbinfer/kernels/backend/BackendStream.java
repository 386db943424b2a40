package org.cbinfer.kernels.backend;

import org.cbinfer.kernels.cb.StateSnapshot;

/**
 * One stream's (camera's) change-based state inside a {@link Backend}: the last input, every change-based
 * layer's committed input and last output, wherever the backend keeps them (host or device memory).
 * Processed by the backend that created it, one frame at a time, in order.
 */
public interface BackendStream extends AutoCloseable {
    /** Frames processed since the stream was created or restored (a restored stream counts on). */
    long frames();

    /** Makes the next frame a keyframe: a dense pass that re-initialises the state. */
    void requestKeyframe();

    boolean keyframePending();

    /**
     * The persistent part of the state, as host arrays the caller may keep (a copy where the backend keeps
     * the state elsewhere); null before the first frame.
     */
    StateSnapshot snapshot();

    /** Bytes of state this stream holds in the backend's memory (host or device). */
    long bytes();

    /** Frees the stream's memory (device memory goes back to the backend's pool). */
    @Override
    void close();
}
