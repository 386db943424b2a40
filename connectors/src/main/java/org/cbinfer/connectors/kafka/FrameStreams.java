package org.cbinfer.connectors.kafka;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.cbinfer.connectors.frame.DeadLetter;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameException;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;
import org.cbinfer.connectors.typeinfo.FrameTypes;

/**
 * Frames and dead letters as two streams.
 *
 * @param frames      the good frames
 * @param deadLetters everything else, for a dead-letter sink
 */
@PublicEvolving
public record FrameStreams(SingleOutputStreamOperator<FrameRecord> frames, DataStream<DeadLetter> deadLetters) {

    /** The side output dead letters go to. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", FrameTypes.DEAD_LETTER);

    public FrameStreams {
        Objects.requireNonNull(frames, "frames");
        Objects.requireNonNull(deadLetters, "deadLetters");
    }

    /**
     * Splits a source's output into frames and dead letters (operator "split-frames"; give it a uid
     * with {@code frames().uid(...)} for savepoint compatibility).
     */
    public static FrameStreams split(DataStream<Incoming> incoming) {
        SingleOutputStreamOperator<FrameRecord> frames = incoming
                .process(new Split())
                .returns(FrameTypes.FRAME)
                .name("split-frames");
        return new FrameStreams(frames, frames.getSideOutput(DEAD_LETTERS));
    }

    /**
     * Decodes frames to RGB24 (operator "decode-frames"; uid as for {@link #split}); frames that fail
     * (truncated, corrupt, too large) go to the dead letters with their bytes and the contract's
     * headers re-created.
     */
    public static FrameStreams decode(DataStream<FrameRecord> frames, FrameLimits limits) {
        SingleOutputStreamOperator<FrameRecord> decoded = frames
                .process(new Decode(limits))
                .returns(FrameTypes.FRAME)
                .name("decode-frames");
        return new FrameStreams(decoded, decoded.getSideOutput(DEAD_LETTERS));
    }

    /** Frames out, dead letters to {@link #DEAD_LETTERS}. */
    public static final class Split extends ProcessFunction<Incoming, FrameRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(Incoming in, Context ctx, Collector<FrameRecord> out) {
            if (in instanceof FrameRecord f) {
                out.collect(f);
            } else {
                ctx.output(DEAD_LETTERS, (DeadLetter) in);
            }
        }
    }

    /** RGB24 frames out, frames that do not decode to {@link #DEAD_LETTERS}. */
    public static final class Decode extends ProcessFunction<FrameRecord, FrameRecord> {
        private static final long serialVersionUID = 1L;
        private final FrameLimits limits;

        public Decode(FrameLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
        }

        @Override
        public void processElement(FrameRecord f, Context ctx, Collector<FrameRecord> out) {
            try {
                out.collect(FrameCodec.toRgb24(f, limits));
            } catch (FrameException e) {
                ctx.output(DEAD_LETTERS, DeadLetter.of(f, KafkaFrames.contractHeaders(f), e.problem(), e.detail()));
            }
        }
    }
}
