package io.customerflow.ingest.reconcile;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for the reconciler's own topics, with the service's {@code kafka.*} settings (bootstrap
 * servers, TLS, SASL: the same map the messaging connector uses), so they reach the cluster the events go to.
 */
final class KafkaClients {

    private final Map<String, Object> base;

    KafkaClients(Map<String, Object> kafkaConfig) {
        this.base = new HashMap<>(kafkaConfig);
        // Connector-only settings the plain clients would warn about.
        base.keySet().removeIf(k -> k.startsWith("health") || k.startsWith("devservices") || k.startsWith("snappy"));
    }

    Admin admin() {
        return Admin.create(new HashMap<>(base));
    }

    KafkaProducer<String, byte[]> producer(String clientId) {
        Map<String, Object> p = new HashMap<>(base);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** A consumer that never commits: the state is always read from the beginning of a compacted topic. */
    KafkaConsumer<String, byte[]> consumer(String clientId, String groupId, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(base);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(extra);
        return new KafkaConsumer<>(p);
    }
}
