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

    /** {@code --video FILE [--frames A:B] [--resize WxH]} or {@code --raw FILE --width W --height H}. */
    static FrameSource open(Args args) throws IOException {
        int[] resize = args.size("resize");
        long[] range = args.range("frames");
        if (args.has("raw")) {
            if (args.has("video")) throw new Args.UsageException("give either --video or --raw, not both");
            int w = args.intValue("width", -1), h = args.intValue("height", -1);
            if (w <= 0 || h <= 0) throw new Args.UsageException("--raw needs --width and --height");
            if (resize != null && (resize[0] != w || resize[1] != h)) {
                throw new Args.UsageException("--resize is not supported with --raw (frames are used at their size)");
            }
            return raw(Path.of(args.require("raw")), w, h, range);
        }
        VideoReader.Builder b = VideoReader.builder().path(Path.of(args.require("video")));
        if (range != null) b.range(range[0], range[1]);
        if (resize != null) b.resize(resize[0], resize[1]);
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

    private static FrameSource raw(Path file, int width, int height, long[] range) throws IOException {
        long count = RawVideo.frameCount(file, width, height);
        long from = range == null ? 0 : Math.min(range[0], count), to = range == null ? count : Math.min(range[1], count);
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
