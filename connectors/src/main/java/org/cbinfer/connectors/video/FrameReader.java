package org.cbinfer.connectors.video;

import java.io.Closeable;
import org.apache.flink.annotation.PublicEvolving;

/** Frames of a video one after the other, whatever decodes them ({@link VideoReader}, {@link RawVideo}). */
@PublicEvolving
public interface FrameReader extends Closeable {
    /** The next frame, or null after the last. */
    VideoFrame read() throws VideoException;

    @Override
    void close() throws VideoException;
}
