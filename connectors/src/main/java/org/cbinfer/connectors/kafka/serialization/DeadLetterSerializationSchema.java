package org.cbinfer.connectors.kafka.serialization;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.cbinfer.connectors.frame.DeadLetter;
import org.cbinfer.connectors.kafka.contract.FrameHeaders;

/**
 * Dead letters to Kafka: the original key, value and headers unchanged, plus the headers
 * {@value FrameHeaders#DEAD_LETTER_PROBLEM} (the problem code) and {@value FrameHeaders#DEAD_LETTER_REASON}
 * (JSON: problem, detail, reason, camera, topic, partition, offset, timestamp). The record timestamp is
 * the original one; the partition follows the original key (so a camera's dead letters stay in order).
 */
@Internal
public final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        return toProducerRecord(topic, d);
    }

    /** The record {@link #serialize} writes, for use without Flink. */
    public static ProducerRecord<byte[], byte[]> toProducerRecord(String topic, DeadLetter d) {
        RecordHeaders headers = new RecordHeaders();
        for (DeadLetter.Header h : d.headers()) headers.add(new RecordHeader(h.key(), h.value()));
        headers.add(FrameHeaders.DEAD_LETTER_PROBLEM, d.problem().name().getBytes(StandardCharsets.US_ASCII));
        headers.add(FrameHeaders.DEAD_LETTER_REASON, reasonJson(d));
        return new ProducerRecord<>(topic, null, d.timestamp() >= 0 ? d.timestamp() : null, d.key(), d.value(), headers);
    }

    /** The {@value FrameHeaders#DEAD_LETTER_REASON} header's JSON. */
    public static byte[] reasonJson(DeadLetter d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("problem", d.problem().name());
        o.put("detail", d.detail());
        o.put("reason", d.reason());
        o.put("camera", d.cameraId());
        if (d.source() != null) {
            o.put("topic", d.source().topic());
            o.put("partition", d.source().partition());
            o.put("offset", d.source().offset());
        }
        if (d.timestamp() >= 0) o.put("timestamp", d.timestamp());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }
}
