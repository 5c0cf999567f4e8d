package io.customerflow.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.ObjLongConsumer;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;
import io.customerflow.events.EventJson;
import io.customerflow.events.ShopDomains;
import io.smallrye.common.annotation.Identifier;

/**
 * A 401 from Shopify with a shop's token asks for one refresh now ({@code shop-registry.refresh-requests-topic}):
 * whichever service got it writes the shop and the registry version of the refused token; the ingest replica that
 * owns the shop's refresh refreshes once for that version (a request for a version already replaced does nothing),
 * and the caller retries once with the token it then reads from the registry. Hostile by default: a record whose key
 * is not a shop domain or whose value is not {@code {"version": n}} is ignored.
 */
@Singleton
public class RefreshRequests {

    private final ShopRegistryConfig config;
    private final KafkaClients kafka;
    private volatile KafkaProducer<String, byte[]> producer;

    public RefreshRequests(ShopRegistryConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.config = config;
        this.kafka = new KafkaClients(kafkaConfig);
    }

    /** Asks for a new token of the shop whose token of registry version {@code version} Shopify refused. */
    public CompletableFuture<Void> request(String shop, long version) {
        return KafkaClients.send(producer(), new ProducerRecord<>(config.refreshRequestsTopic(), shop,
                EventJson.toBytes(Map.of("version", version))));
    }

    /** Reads the requests until the loop stops (ingest's refresh owner): each well-formed one to {@code onRequest}. */
    public void follow(SupervisedLoop loop, ObjLongConsumer<String> onRequest, Runnable loaded) {
        kafka.ensureTopics(List.of(new NewTopic(config.refreshRequestsTopic(), Optional.of(config.partitions()),
                Optional.empty()).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                        String.valueOf(Duration.ofHours(1).toMillis())))),
                "the shop registry's refresh requests (shop-registry.refresh-requests-topic)");
        kafka.readAndFollow("shop-refresh-requests", config.refreshRequestsTopic(), loop,
                r -> read(r).ifPresent(version -> onRequest.accept(r.key(), version)), loaded);
    }

    /** The version asked for, when the record is a request at all. */
    static Optional<Long> read(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null || r.value() == null || !ShopDomains.isValid(r.key())) {
            return Optional.empty();
        }
        try {
            JsonNode version = EventJson.mapper().readTree(r.value()).path("version");
            return version.canConvertToLong() && version.isIntegralNumber() && version.asLong() > 0
                    ? Optional.of(version.asLong()) : Optional.empty();
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = kafka.producer("shop-refresh-requester");
                }
                p = producer;
            }
        }
        return p;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
