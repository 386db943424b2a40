package org.cbinfer.job.stream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.cbinfer.connectors.frame.DeadLetter;
import org.cbinfer.connectors.frame.FrameCodec;
import org.cbinfer.connectors.frame.FrameEncoding;
import org.cbinfer.connectors.frame.FrameException;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.FrameProblem;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.SourcePosition;
import org.cbinfer.connectors.kafka.FrameStreams;
import org.cbinfer.connectors.kafka.contract.FrameHeaders;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;
import org.cbinfer.operators.inference.CameraFrame;
import org.cbinfer.operators.inference.FrameRejection;

/**
 * Between the connectors' frames and the operator's: decoding a {@link FrameRecord} into the operator's
 * {@link CameraFrame} (keeping the frame as it arrived), and an operator's {@link FrameRejection} back into a
 * {@link DeadLetter} with the original bytes, the frame contract's headers and the reason.
 */
final class CameraFrameConversions {
    private CameraFrameConversions() {}

    /**
     * Decodes frames to RGB camera frames (operator "decode-frames"); frames that do not decode go to
     * {@link FrameStreams#DEAD_LETTERS} with their bytes and headers.
     */
    static SingleOutputStreamOperator<CameraFrame> decode(DataStream<FrameRecord> frames, FrameLimits limits) {
        return frames.process(new Decode(limits)).returns(TypeInformation.of(CameraFrame.class))
                .name("decode-frames").uid("decode-frames");
    }

    /** Decodes one frame; the undecodable go to the dead letters. */
    static final class Decode extends ProcessFunction<FrameRecord, CameraFrame> {
        private static final long serialVersionUID = 1L;
        private final FrameLimits limits;

        Decode(FrameLimits limits) {
            this.limits = limits;
        }

        @Override
        public void processElement(FrameRecord f, Context ctx, Collector<CameraFrame> out) {
            FrameRecord rgb;
            try {
                rgb = FrameCodec.toRgb24(f, limits);
            } catch (FrameException e) {
                ctx.output(FrameStreams.DEAD_LETTERS,
                        DeadLetter.of(f, KafkaFrames.contractHeaders(f), e.problem(), e.detail()));
                return;
            }
            out.collect(new CameraFrame(f.cameraId(), f.sequence(), f.captureTimeMillis(), rgb.width(), rgb.height(),
                    rgb.payload(), f.source() == null ? null : f.source().toString(),
                    new CameraFrame.Encoded(f.encoding().id(), f.width(), f.height(), f.payload())));
        }
    }

    /**
     * A frame the operator rejected as a dead letter ({@link FrameProblem#REJECTED}): the bytes as they arrived,
     * the contract's headers re-created from the frame's metadata, the source position and the reason.
     */
    static DeadLetter toDeadLetter(FrameRejection r) {
        CameraFrame f = r.frame();
        String detail = "rejected by inference: " + r.reason();
        SourcePosition at = parseOrigin(f.origin());
        if (f.arrived() == null) {
            // not decoded by this job: the pixels are all there is
            return new DeadLetter(f.camera(), f.camera().getBytes(StandardCharsets.UTF_8), f.rgb(),
                    List.of(new DeadLetter.Header(FrameHeaders.SEQUENCE, Long.toString(f.sequence()).getBytes(StandardCharsets.UTF_8))),
                    at, f.captureTimeMillis(), FrameProblem.REJECTED, detail);
        }
        CameraFrame.Encoded e = f.arrived();
        FrameRecord original = new FrameRecord(f.camera(), f.sequence(), f.captureTimeMillis(), FrameEncoding.fromId(e.encoding()),
                e.width(), e.height(), e.bytes(), at);
        return DeadLetter.of(original, KafkaFrames.contractHeaders(original), FrameProblem.REJECTED, detail);
    }

    /** {@code topic-partition@offset} back to a position (null when absent or not of that form). */
    static SourcePosition parseOrigin(String origin) {
        if (origin == null) return null;
        int at = origin.lastIndexOf('@');
        int dash = at < 0 ? -1 : origin.lastIndexOf('-', at);
        if (dash <= 0) return null;
        try {
            return new SourcePosition(origin.substring(0, dash), Integer.parseInt(origin.substring(dash + 1, at)),
                    Long.parseLong(origin.substring(at + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
