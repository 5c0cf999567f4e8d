package io.customerflow.store.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.events.EventJson;
import io.customerflow.events.ShopCommand;
import io.customerflow.store.config.StoreConfig;
import io.smallrye.common.annotation.Identifier;

/**
 * Puts the console's requests for work on a shop on {@code store.console.commands-topic} (created here when missing:
 * kept 90 days, the audit list's span). The console answers once Kafka acknowledged: a request it showed as made is
 * one ingest will read.
 */
@ApplicationScoped
public class ShopCommandWriter {

    /** How long the topic keeps a command, and so the audit list. */
    static final Duration KEPT = Duration.ofDays(90);

    private final String topic;
    private final KafkaClients kafka;
    private volatile KafkaProducer<String, byte[]> producer;

    public ShopCommandWriter(StoreConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.topic = config.console().commandsTopic();
        this.kafka = new KafkaClients(kafkaConfig);
    }

    /** Completes when Kafka acknowledged the command (checked first: a malformed one is never written). */
    public CompletableFuture<Void> write(ShopCommand command) {
        command.check();
        return KafkaClients.send(producer(), new ProducerRecord<>(topic, command.shop(), EventJson.toBytes(command)));
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            kafka.ensureTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()).configs(Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(KEPT.toMillis())))),
                    "the console's commands (store.console.commands-topic)");
            producer = kafka.producer("store-console-commands");
        }
        return producer;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
