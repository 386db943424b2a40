package org.cbinfer.connectors.kafka.contract;

import org.apache.flink.annotation.PublicEvolving;

/** How much a frame source checks of each record before handing it on as a frame. */
@PublicEvolving
public enum FrameValidation {
    /**
     * The contract only: key, headers, encoding, and for raw frames size limits and payload length.
     * JPEG/PNG bytes are not looked at.
     */
    HEADERS,
    /**
     * The contract plus the JPEG/PNG header: its size is read (not the pixels), checked against the
     * limits and any declared size, and filled into the frame. Garbage bytes and absurd sizes become
     * dead letters here; a truncated image whose header is intact does not (that needs {@link #DECODE}).
     */
    PROBE,
    /**
     * Everything, by decoding: frames come out as RGB24 pixels, and truncated or corrupt images become
     * dead letters. Costs a full decode in the source (and RGB-sized records downstream).
     */
    DECODE
}
