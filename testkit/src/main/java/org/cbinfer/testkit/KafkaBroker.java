package org.cbinfer.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft Kafka broker in the test JVM ({@link EmbeddedKafka}, the demo's broker), one per test
 * class: {@code @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();}.
 * Auto-creation of topics is off: tests create what they use.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (broker != null) broker.close();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public Admin admin() {
        return broker.admin();
    }

    /** Creates a topic with {@code partitions} partitions, replication 1, and waits for it. */
    public void createTopic(String name, int partitions) throws Exception {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic with topic-level configs (e.g. {@code max.message.bytes}). */
    public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        broker.createTopic(name, partitions, configs);
    }

    public KafkaProducer<byte[], byte[]> producer() {
        return broker.producer();
    }

    /** All records of a topic, earliest first per partition, read without a consumer group. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout) {
        return broker.readAll(topic, expected, timeout, false);
    }

    /** {@link EmbeddedKafka#readAll}: until {@code expected} records or {@code timeout}, optionally committed only. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout, boolean readCommitted) {
        return broker.readAll(topic, expected, timeout, readCommitted);
    }

    /** Topic names on the broker. */
    public Set<String> topics() throws Exception {
        return broker.topics();
    }
}
