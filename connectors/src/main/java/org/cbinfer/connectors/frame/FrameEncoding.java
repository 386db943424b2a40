package org.cbinfer.connectors.frame;

import java.util.Locale;
import org.apache.flink.annotation.PublicEvolving;

/**
 * How a frame's pixels are stored in its payload. The lower-case {@link #id()} is what travels in the
 * {@code encoding} Kafka header.
 */
@PublicEvolving
public enum FrameEncoding {
    /** Baseline/progressive JPEG (JFIF); size comes from the image itself. */
    JPEG("jpeg", 0),
    /** PNG (8-bit grey, grey+alpha, RGB, RGBA or palette); size comes from the image itself. */
    PNG("png", 0),
    /** Raw interleaved R, G, B bytes, row-major, no padding: {@code width * height * 3} bytes. */
    RGB24("rgb24", 3),
    /** Raw 8-bit luma, row-major, no padding: {@code width * height} bytes. */
    GRAY8("gray8", 1);

    private final String id;
    private final int rawBytesPerPixel;

    FrameEncoding(String id, int rawBytesPerPixel) {
        this.id = id;
        this.rawBytesPerPixel = rawBytesPerPixel;
    }

    /** The wire name: {@code jpeg}, {@code png}, {@code rgb24} or {@code gray8}. */
    public String id() {
        return id;
    }

    /** True for RGB24 and GRAY8, whose size must be declared beside the payload. */
    public boolean isRaw() {
        return rawBytesPerPixel > 0;
    }

    /** Bytes a pixel takes in a raw payload; 0 for compressed encodings. */
    public int rawBytesPerPixel() {
        return rawBytesPerPixel;
    }

    /**
     * The encoding named {@code name} (case-insensitive, surrounding blanks ignored; {@code jpg} is
     * accepted for JPEG), or null when there is none of that name.
     */
    public static FrameEncoding fromId(String name) {
        if (name == null) return null;
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.equals("jpg")) return JPEG;
        for (FrameEncoding e : values()) {
            if (e.id.equals(n)) return e;
        }
        return null;
    }
}
