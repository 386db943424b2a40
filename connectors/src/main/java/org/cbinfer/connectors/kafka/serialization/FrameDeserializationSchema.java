package org.cbinfer.connectors.kafka.serialization;

import java.util.Objects;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.kafka.contract.FrameHeaders;
import org.cbinfer.connectors.kafka.contract.FrameValidation;
import org.cbinfer.connectors.kafka.contract.KafkaFrames;
import org.cbinfer.connectors.typeinfo.FrameTypes;

/**
 * Kafka records to {@link Incoming}: a frame when the record keeps the {@link FrameHeaders contract},
 * a dead letter (with the original bytes and what was wrong) when it does not. Never throws for bad
 * input, so one broken record cannot fail or restart the job.
 *
 * <p>Metrics (on the source's group): {@code framesRead}, {@code deadLetters}.
 */
@Internal
public final class FrameDeserializationSchema implements KafkaRecordDeserializationSchema<Incoming> {
    private static final long serialVersionUID = 1L;

    private final FrameLimits limits;
    private final FrameValidation validation;
    private transient Counter frames;
    private transient Counter deadLetters;

    public FrameDeserializationSchema(FrameLimits limits, FrameValidation validation) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.validation = Objects.requireNonNull(validation, "validation");
    }

    /** Default limits, {@link FrameValidation#PROBE}. */
    public FrameDeserializationSchema() {
        this(FrameLimits.DEFAULT, FrameValidation.PROBE);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        if (context != null && context.getMetricGroup() != null) {
            frames = context.getMetricGroup().counter("framesRead");
            deadLetters = context.getMetricGroup().counter("deadLetters");
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Incoming> out) {
        Incoming in = KafkaFrames.read(record, limits, validation);
        Counter c = in.isFrame() ? frames : deadLetters;
        if (c != null) c.inc();
        out.collect(in);
    }

    @Override
    public TypeInformation<Incoming> getProducedType() {
        return FrameTypes.INCOMING;
    }

    public FrameLimits limits() {
        return limits;
    }

    public FrameValidation validation() {
        return validation;
    }
}
