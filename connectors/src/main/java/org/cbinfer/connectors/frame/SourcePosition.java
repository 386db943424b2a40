package org.cbinfer.connectors.frame;

import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/** Where a record was read from: Kafka topic, partition and offset. */
@PublicEvolving
public record SourcePosition(String topic, int partition, long offset) implements Serializable {
    public SourcePosition {
        Objects.requireNonNull(topic, "topic");
    }

    /** {@code topic-partition@offset}, the form log lines and dead-letter reasons use. */
    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
