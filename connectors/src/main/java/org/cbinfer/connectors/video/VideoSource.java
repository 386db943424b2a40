package org.cbinfer.connectors.video;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Where a camera's video comes from: a local file (replayed, seekable, with a known length), a file of raw RGB24
 * frames ({@link RawVideo}: read without FFmpeg) or a network stream FFmpeg opens ({@code rtsp://},
 * {@code http(s)://}, {@code udp://}, ...: live, read from where it is, reconnected when it drops, see
 * {@link ReconnectingVideoReader}).
 *
 * @param location the file path or the URL as given
 * @param file     the file, or null for a stream
 * @param raw      the frame size of a raw RGB24 file, or null for a video FFmpeg decodes
 */
@PublicEvolving
public record VideoSource(String location, Path file, RawFormat raw) {
    /** The frame size of a file of raw RGB24 frames. */
    public record RawFormat(int width, int height) {
        public RawFormat {
            if (width <= 0 || height <= 0) throw new IllegalArgumentException("bad raw frame size " + width + "x" + height);
        }
    }

    /** URL schemes that name a network stream (anything else with a scheme is passed to FFmpeg as is, as a stream too). */
    private static final Set<String> FILE_SCHEMES = Set.of("file");

    public VideoSource {
        Objects.requireNonNull(location, "location");
        if (raw != null && file == null) throw new IllegalArgumentException("raw frames come from a file, not " + location);
    }

    /** A local file. */
    public static VideoSource file(Path file) {
        Path f = Objects.requireNonNull(file, "file");
        return new VideoSource(f.toString(), f, null);
    }

    /** A local file of raw RGB24 frames of {@code width x height}, back to back (see {@link RawVideo}). */
    public static VideoSource raw(Path file, int width, int height) {
        Path f = Objects.requireNonNull(file, "file");
        return new VideoSource(f.toString(), f, new RawFormat(width, height));
    }

    /**
     * A file path, a {@code file:} URI, or a URL FFmpeg opens; a string without a scheme (or a one-letter
     * one, a Windows drive) is a path.
     */
    public static VideoSource of(String location) {
        Objects.requireNonNull(location, "location");
        int colon = location.indexOf("://");
        if (colon <= 1) return file(Path.of(location));
        String scheme = location.substring(0, colon).toLowerCase(Locale.ROOT);
        if (FILE_SCHEMES.contains(scheme)) return file(Path.of(URI.create(location)));
        return new VideoSource(location, null, null);
    }

    /** True for a network stream: no frame count, no seeking, reconnected when it drops. */
    public boolean isStream() {
        return file == null;
    }

    /** True for a file of raw RGB24 frames ({@link RawVideo}). */
    public boolean isRaw() {
        return raw != null;
    }

    /** A reader builder for this source (frame range and size still to set); not for raw frames. */
    public VideoReader.Builder reader() {
        if (isRaw()) throw new IllegalStateException(location + " holds raw frames: read it with RawVideo");
        return isStream() ? VideoReader.builder().url(location) : VideoReader.builder().path(file);
    }

    /** A short name for progress lines: the file name, or the URL without its query. */
    public String shortName() {
        if (!isStream()) return file.getFileName() == null ? file.toString() : file.getFileName().toString();
        int q = location.indexOf('?');
        return q < 0 ? location : location.substring(0, q);
    }

    @Override
    public String toString() {
        return location;
    }
}
