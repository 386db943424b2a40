package org.cbinfer.connectors.kafka;

import java.util.Objects;
import java.util.Properties;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.cbinfer.connectors.frame.DeadLetter;
import org.cbinfer.connectors.kafka.serialization.DeadLetterSerializationSchema;
import org.cbinfer.connectors.kafka.serialization.ResultSerializationSchema;

/**
 * Kafka sinks of the job (Sink V2: {@code stream.sinkTo(...)}): results as JSON and dead letters.
 *
 * <pre>{@code
 * results.sinkTo(FrameSinks.results("localhost:9092", "results", Result::camera)
 *         .timestamp(Result::captureTime)
 *         .exactlyOnce("cbinfer-results")
 *         .build());
 * deadLetters.sinkTo(FrameSinks.deadLetters("localhost:9092", "dead-letters").build());
 * }</pre>
 *
 * <p>Delivery is at-least-once unless {@link Builder#exactlyOnce} is chosen; exactly-once writes in
 * Kafka transactions committed on Flink checkpoints (enable checkpointing; consumers read with
 * {@code isolation.level=read_committed}; records become visible at each checkpoint).
 */
@PublicEvolving
public final class FrameSinks {
    /**
     * Transaction timeout set for exactly-once sinks unless given: 15 minutes, the broker's default
     * {@code transaction.max.timeout.ms} (Flink's own default of 1 h is refused by default brokers).
     */
    public static final String DEFAULT_TRANSACTION_TIMEOUT_MS = "900000";

    private FrameSinks() {}

    /** Results as JSON (written by Jackson), keyed by {@code cameraOf}. */
    public static <T> Builder<T> results(String bootstrapServers, String topic, SerializableFunction<T, String> cameraOf) {
        Objects.requireNonNull(cameraOf, "cameraOf");
        return new Builder<>(bootstrapServers, topic, new ResultParts<>(cameraOf));
    }

    /** Dead letters: original bytes and headers plus what was wrong. */
    public static Builder<DeadLetter> deadLetters(String bootstrapServers, String topic) {
        return new Builder<>(bootstrapServers, topic, null);
    }

    /** The result-specific parts of a results sink. */
    private static final class ResultParts<T> {
        final SerializableFunction<T, String> cameraOf;
        SerializableFunction<T, byte[]> jsonOf;
        SerializableFunction<T, Long> timestampOf;

        ResultParts(SerializableFunction<T, String> cameraOf) {
            this.cameraOf = cameraOf;
        }
    }

    /** Configures a {@link KafkaSink}. */
    public static final class Builder<T> {
        private final String bootstrapServers;
        private final String topic;
        private final ResultParts<T> result; // null for dead letters
        private DeliveryGuarantee guarantee = DeliveryGuarantee.AT_LEAST_ONCE;
        private String transactionalIdPrefix;
        private final Properties properties = new Properties();

        private Builder(String bootstrapServers, String topic, ResultParts<T> result) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            this.topic = Objects.requireNonNull(topic, "topic");
            this.result = result;
        }

        /** Results only: the JSON bytes of a result, instead of Jackson's rendering of it. */
        public Builder<T> json(SerializableFunction<T, byte[]> jsonOf) {
            if (result == null) throw new IllegalStateException("dead letters are not written as result JSON");
            result.jsonOf = Objects.requireNonNull(jsonOf, "jsonOf");
            return this;
        }

        /** Results only: the record timestamp of a result (e.g. its frame's capture time). */
        public Builder<T> timestamp(SerializableFunction<T, Long> timestampOf) {
            if (result == null) throw new IllegalStateException("dead letters keep their original timestamp");
            result.timestampOf = Objects.requireNonNull(timestampOf, "timestampOf");
            return this;
        }

        /**
         * Exactly-once: Kafka transactions committed with Flink's checkpoints. The prefix must be unique
         * per sink and job on a cluster (it names the transactional ids).
         */
        public Builder<T> exactlyOnce(String transactionalIdPrefix) {
            if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
                throw new IllegalArgumentException("exactly-once needs a transactional id prefix");
            }
            this.guarantee = DeliveryGuarantee.EXACTLY_ONCE;
            this.transactionalIdPrefix = transactionalIdPrefix;
            return this;
        }

        /** At-least-once (the default): flushed at checkpoints, duplicates possible after a failure. */
        public Builder<T> atLeastOnce() {
            this.guarantee = DeliveryGuarantee.AT_LEAST_ONCE;
            this.transactionalIdPrefix = null;
            return this;
        }

        /** Any Kafka producer property. */
        public Builder<T> property(String key, String value) {
            properties.setProperty(key, value);
            return this;
        }

        public DeliveryGuarantee deliveryGuarantee() {
            return guarantee;
        }

        @SuppressWarnings("unchecked")
        public KafkaSink<T> build() {
            KafkaRecordSerializationSchema<T> schema = result == null
                    ? (KafkaRecordSerializationSchema<T>) new DeadLetterSerializationSchema(topic)
                    : new ResultSerializationSchema<>(topic, result.cameraOf, result.jsonOf, result.timestampOf);
            Properties props = new Properties();
            // Dead letters carry whole frames: allow records as large as the frames topic's.
            props.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20));
            if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
                props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
            }
            props.putAll(properties);
            var b = KafkaSink.<T>builder()
                    .setBootstrapServers(bootstrapServers)
                    .setRecordSerializer(schema)
                    .setDeliveryGuarantee(guarantee)
                    .setKafkaProducerConfig(props);
            if (transactionalIdPrefix != null) b.setTransactionalIdPrefix(transactionalIdPrefix);
            return b.build();
        }
    }
}
