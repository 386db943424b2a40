package org.cbinfer.connectors.kafka;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.cbinfer.connectors.frame.FrameLimits;
import org.cbinfer.connectors.frame.FrameRecord;
import org.cbinfer.connectors.frame.Incoming;
import org.cbinfer.connectors.kafka.contract.FrameValidation;
import org.cbinfer.connectors.kafka.serialization.FrameDeserializationSchema;

/**
 * Kafka sources of frames (Source V2: {@code env.fromSource(...)}).
 *
 * <pre>{@code
 * KafkaSource<Incoming> source = FrameSources.kafka("localhost:9092", "frames", "cbinfer")
 *         .validation(FrameValidation.PROBE)
 *         .limits(FrameLimits.of(1920, 1080))
 *         .build();
 * DataStream<Incoming> in = env.fromSource(source, FrameSources.watermarks(Duration.ofSeconds(1)), "frames");
 * FrameStreams split = FrameStreams.split(in);   // split.frames(), split.deadLetters()
 * }</pre>
 */
@PublicEvolving
public final class FrameSources {
    private FrameSources() {}

    /** A source of the frames on {@code topic}, reading as consumer group {@code groupId}. */
    public static Builder kafka(String bootstrapServers, String topic, String groupId) {
        return new Builder(bootstrapServers, topic, groupId);
    }

    /**
     * Event time = capture time for frames (the record timestamp for dead letters), with watermarks
     * bounded by {@code maxOutOfOrder}. Frames of one camera are in order; the bound covers cameras
     * whose clocks or delivery differ.
     */
    public static WatermarkStrategy<Incoming> watermarks(Duration maxOutOfOrder) {
        return WatermarkStrategy.<Incoming>forBoundedOutOfOrderness(maxOutOfOrder)
                .withTimestampAssigner((in, recordTs) -> in instanceof FrameRecord f ? f.captureTimeMillis() : recordTs);
    }

    /** Configures a {@link KafkaSource} of {@link Incoming}. */
    public static final class Builder {
        private final String bootstrapServers;
        private final String topic;
        private final String groupId;
        private OffsetsInitializer starting = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        private OffsetsInitializer stopping;
        private FrameLimits limits = FrameLimits.DEFAULT;
        private FrameValidation validation = FrameValidation.PROBE;
        private final Properties properties = new Properties();

        private Builder(String bootstrapServers, String topic, String groupId) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            this.topic = Objects.requireNonNull(topic, "topic");
            this.groupId = Objects.requireNonNull(groupId, "groupId");
        }

        /** Where to start; default: the group's committed offsets, else the earliest. */
        public Builder startingOffsets(OffsetsInitializer offsets) {
            this.starting = Objects.requireNonNull(offsets, "offsets");
            return this;
        }

        /** Start at the earliest offsets, whatever the group committed. */
        public Builder fromEarliest() {
            return startingOffsets(OffsetsInitializer.earliest());
        }

        /** Start at the latest offsets: only frames sent from now on. */
        public Builder fromLatest() {
            return startingOffsets(OffsetsInitializer.latest());
        }

        /** Stop at these offsets (a bounded source: the job finishes); default: unbounded. */
        public Builder bounded(OffsetsInitializer offsets) {
            this.stopping = Objects.requireNonNull(offsets, "offsets");
            return this;
        }

        /** Size limits checked before any pixel buffer is allocated; default {@link FrameLimits#DEFAULT}. */
        public Builder limits(FrameLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** How much to check of each record; default {@link FrameValidation#PROBE}. */
        public Builder validation(FrameValidation validation) {
            this.validation = Objects.requireNonNull(validation, "validation");
            return this;
        }

        /** Any Kafka consumer or KafkaSource property ({@code security.protocol}, {@code partition.discovery.interval.ms}, ...). */
        public Builder property(String key, String value) {
            properties.setProperty(key, value);
            return this;
        }

        public KafkaSource<Incoming> build() {
            var b = KafkaSource.<Incoming>builder()
                    .setBootstrapServers(bootstrapServers)
                    .setTopics(topic)
                    .setGroupId(groupId)
                    .setStartingOffsets(starting)
                    .setDeserializer(new FrameDeserializationSchema(limits, validation))
                    .setClientIdPrefix(groupId + "-" + topic);
            // Frames are large: fetch sizes that hold a few of them per partition.
            b.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 << 20));
            b.setProperty(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 << 20));
            b.setProperties(properties);
            if (stopping != null) b.setBounded(stopping);
            return b.build();
        }
    }
}
