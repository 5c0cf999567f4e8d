package io.customerflow.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.events.EventJson;
import io.customerflow.events.ShopDomains;
import io.customerflow.events.ShopHealthReport;
import io.smallrye.common.annotation.Identifier;

/**
 * What each service observed of a shop's health, kept per shop on the registry's compacted topic
 * {@code shop-registry.health-topic} (key {@code {shop}/{aspect}}, value a {@link ShopHealthReport}): the store's console reads
 * it with the registry and the reconciler's passes (docs/SHOPS.md, "Shop health"). A report holds states, times, counts
 * and fixed reason words only: never a token, a key, a name or an email.
 */
@Singleton
public class ShopHealth {

    private final ShopRegistryConfig config;
    private final KafkaClients kafka;
    private volatile KafkaProducer<String, byte[]> producer;

    public ShopHealth(ShopRegistryConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.config = config;
        this.kafka = new KafkaClients(kafkaConfig);
    }

    /** Writes the shop's report of the aspect; completes when Kafka acknowledged it. */
    public CompletableFuture<Void> report(String shop, ShopHealthReport.Aspect aspect, ShopHealthReport report) {
        if (!ShopDomains.isValid(shop) || !report.validFor(aspect)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a " + aspect.word() + " report"));
        }
        return KafkaClients.send(producer(), new ProducerRecord<>(config.healthTopic(), shop + "/" + aspect.word(),
                EventJson.toBytes(report)));
    }

    /** As {@link #report}, now, without figures. */
    public CompletableFuture<Void> report(String shop, ShopHealthReport.Aspect aspect, String state, String detail) {
        return report(shop, aspect, ShopHealthReport.now(state, detail));
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            kafka.ensureTopics(List.of(new NewTopic(config.healthTopic(), Optional.of(config.partitions()),
                    Optional.empty()).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT))), "shop health (shop-registry.health-topic)");
            producer = kafka.producer("shop-health-writer");
        }
        return producer;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(10));
        }
    }
}
