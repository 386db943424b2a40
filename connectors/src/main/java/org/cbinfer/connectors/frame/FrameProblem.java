package org.cbinfer.connectors.frame;

import org.apache.flink.annotation.PublicEvolving;

/** What was wrong with a frame that could not be read; the code travels with dead letters. */
@PublicEvolving
public enum FrameProblem {
    /** The record has no key, so no camera id. */
    MISSING_KEY,
    /** The key is not a usable camera id (not UTF-8, empty, too long, control characters). */
    BAD_KEY,
    /** A header the contract requires is absent. */
    MISSING_HEADER,
    /** A header is present but unreadable (not a number, out of range, given twice, ...). */
    BAD_HEADER,
    /** The encoding header names no known encoding. */
    UNKNOWN_ENCODING,
    /** The record has no value, or an empty one. */
    EMPTY_PAYLOAD,
    /** Declared or decoded dimensions exceed the configured limits. */
    TOO_LARGE,
    /** Sizes disagree: payload length vs declared size, or declared size vs the image's own header. */
    SIZE_MISMATCH,
    /** The payload is not an image of the declared encoding, or it is truncated or corrupt. */
    CORRUPT_IMAGE,
    /** A valid image of a kind the decoder does not handle (e.g. CMYK JPEG, 16-bit PNG). */
    UNSUPPORTED_IMAGE,
    /**
     * A good frame the processing would not take (e.g. the inference operator's duplicate or out-of-order
     * sequence number, pixels that do not match the size); the detail says why.
     */
    REJECTED,
    /** Anything else (a bug): the message carries the exception. */
    INTERNAL
}
