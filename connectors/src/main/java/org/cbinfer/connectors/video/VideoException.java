package org.cbinfer.connectors.video;

import java.io.IOException;
import org.apache.flink.annotation.PublicEvolving;

/** A video could not be opened or read; the message names the file or URL. */
@PublicEvolving
public class VideoException extends IOException {
    private final String source;

    public VideoException(String source, String message) {
        this(source, message, null);
    }

    public VideoException(String source, String message, Throwable cause) {
        super(message + ": " + source, cause);
        this.source = source;
    }

    /** The file path or URL that failed. */
    public String source() {
        return source;
    }
}
