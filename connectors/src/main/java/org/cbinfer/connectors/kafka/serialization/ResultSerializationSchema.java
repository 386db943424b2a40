package org.cbinfer.connectors.kafka.serialization;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Results to Kafka as JSON, one record per result: key = camera id (UTF-8, so results are partitioned
 * like the frames they come from), value = the result as JSON, timestamp = what
 * {@code timestampOf} gives (e.g. the frame's capture time) or the sink's time when that is null.
 *
 * <p>The value is written by Jackson ({@code ObjectMapper.writeValueAsBytes}: records, POJOs, maps,
 * {@code JsonNode}s), or by a function of your own giving the JSON bytes.
 *
 * @param <T> the result type
 */
@Internal
public final class ResultSerializationSchema<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> cameraOf;
    private final SerializableFunction<T, byte[]> jsonOf;
    private final SerializableFunction<T, Long> timestampOf;
    private transient ObjectMapper mapper;

    /**
     * @param cameraOf    the camera id of a result (the key)
     * @param jsonOf      the JSON bytes of a result, or null to let Jackson write it
     * @param timestampOf the record timestamp of a result, or null for the sink's time
     */
    public ResultSerializationSchema(String topic, SerializableFunction<T, String> cameraOf,
                                     SerializableFunction<T, byte[]> jsonOf, SerializableFunction<T, Long> timestampOf) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.cameraOf = Objects.requireNonNull(cameraOf, "cameraOf");
        this.jsonOf = jsonOf;
        this.timestampOf = timestampOf;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        mapper = new ObjectMapper();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T result, KafkaSinkContext context, Long timestamp) {
        String camera = cameraOf.apply(result);
        if (camera == null) throw new IllegalArgumentException("result without a camera id: " + result);
        byte[] value;
        if (jsonOf != null) {
            value = jsonOf.apply(result);
        } else {
            try {
                if (mapper == null) mapper = new ObjectMapper();
                value = mapper.writeValueAsBytes(result);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write result of camera " + camera + " as JSON: " + e.getMessage(), e);
            }
        }
        Long ts = timestampOf != null ? timestampOf.apply(result) : timestamp;
        if (ts != null && ts < 0) ts = null;
        return new ProducerRecord<>(topic, null, ts, camera.getBytes(StandardCharsets.UTF_8), value);
    }
}
