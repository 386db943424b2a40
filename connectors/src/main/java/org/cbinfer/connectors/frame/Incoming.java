package org.cbinfer.connectors.frame;

import org.apache.flink.annotation.PublicEvolving;

/**
 * What a frame source yields for each record it reads: a {@link FrameRecord} that passed the checks
 * of the frame contract, or a {@link DeadLetter} holding the original record and what was wrong with
 * it. Sources never throw for bad input; they hand it on as a dead letter.
 *
 * <pre>{@code
 * switch (incoming) {
 *     case FrameRecord f -> ...;   // Java 21; on 17: if (incoming instanceof FrameRecord f) ...
 *     case DeadLetter d -> ...;
 * }
 * }</pre>
 */
@PublicEvolving
public sealed interface Incoming permits FrameRecord, DeadLetter {

    /** The camera the record belongs to, or null when a dead letter has no readable key. */
    String cameraId();

    /** Where the record was read from, or null when it was not read from Kafka. */
    SourcePosition source();

    /** True for a {@link FrameRecord}. */
    default boolean isFrame() {
        return this instanceof FrameRecord;
    }
}
