package org.cbinfer.job.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.cbinfer.connectors.video.RawVideo;
import org.cbinfer.connectors.video.VideoFrame;
import org.cbinfer.connectors.video.VideoReader;

/** Frames for the engine commands: decoded from a video, or raw RGB24 frames back to back in a file. */
public interface FrameSource extends Closeable {
    /** The next frame's RGB24 pixels, or null at the end. */
    VideoFrame next() throws IOException;

    /**
     * Frames decoded from a video file.
     *
     * @param range the frames to read, or null for all
     * @param resize the size to scale them to, or null for the video's own
     */
    static FrameSource video(Path file, FrameRange range, ImageSize resize) throws IOException {
        VideoReader.Builder b = VideoReader.builder().path(file);
        if (range != null) b.range(range.from(), range.to());
        if (resize != null) b.resize(resize.width(), resize.height());
        VideoReader reader = b.build();
        return new FrameSource() {
            @Override
            public VideoFrame next() throws IOException {
                return reader.read();
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /**
     * Raw RGB24 frames of {@code width x height}, back to back in {@code file}.
     *
     * @param range the frames to read (clipped to the file), or null for all
     */
    static FrameSource raw(Path file, int width, int height, FrameRange range) throws IOException {
        long count = RawVideo.frameCount(file, width, height);
        long from = range == null ? 0 : Math.min(range.from(), count), to = range == null ? count : Math.min(range.to(), count);
        RawVideo video = RawVideo.open(file, width, height, from);
        return new FrameSource() {
            long index = from;

            @Override
            public VideoFrame next() throws IOException {
                if (index >= to) return null;
                index++;
                return video.read();
            }

            @Override
            public void close() throws IOException {
                video.close();
            }
        };
    }
}
