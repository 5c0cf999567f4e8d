package io.customerflow.registry;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;
import io.customerflow.events.EventJson;
import io.customerflow.events.ShopDomains;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;

/**
 * Which Shopify Flow triggers each shop's enabled workflows use: the registry's compacted topic
 * {@code shop-registry.flow-triggers-topic} (key {@code {shop}/{handle}}, value {@link Use}, a tombstone once the shop
 * uninstalled), read whole at start and followed live like {@link RegisteredShops}. ingest writes what Flow's
 * lifecycle callbacks say; tagging sends a trigger only where it is used. Hostile by default: a record whose key isn't
 * a shop and a handle, or whose value isn't {@code {enabled, at}}, is skipped and counted.
 */
@Singleton
public class FlowTriggerUse {

    private static final Pattern HANDLE = Pattern.compile("[a-z0-9][a-z0-9-]{0,29}");
    private static final Duration ACK = Duration.ofSeconds(30);

    /**
     * A trigger's use in a shop.
     *
     * @param enabled whether an enabled workflow starts with it
     * @param at the lifecycle callback's {@code timestamp}: an older callback changes nothing
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Use(boolean enabled, OffsetDateTime at) {
    }

    private final ShopRegistryConfig config;
    private final KafkaClients kafka;
    private final Map<String, Map<String, Use>> byShop = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Counter invalid;
    private final SupervisedLoop reader;
    private volatile KafkaProducer<String, byte[]> producer;

    public FlowTriggerUse(ShopRegistryConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry registry) {
        this.config = config;
        this.kafka = new KafkaClients(kafkaConfig);
        this.invalid = Counter.builder("shop.registry.flow.invalid")
                .description("Flow trigger use records skipped: malformed").register(registry);
        this.reader = new SupervisedLoop("flow-trigger-use-reader", registry, this::read).start();
        try {
            if (!loaded.await(config.loadTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the Flow trigger use " + config.flowTriggersTopic() + " was not read"
                        + " within " + config.loadTimeout() + " (shop-registry.load-timeout): is Kafka reachable?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the Flow trigger use", e);
        }
    }

    /** Whether an enabled workflow of the shop starts with the trigger. */
    public boolean uses(String shop, String handle) {
        return find(shop, handle).map(Use::enabled).orElse(false);
    }

    public Optional<Use> find(String shop, String handle) {
        return Optional.ofNullable(byShop.getOrDefault(shop, Map.of()).get(handle));
    }

    /** Every trigger Flow reported on for the shop, by handle. */
    public Map<String, Use> of(String shop) {
        return Map.copyOf(byShop.getOrDefault(shop, Map.of()));
    }

    /** Writes the trigger's use; completes when Kafka acknowledged it. */
    public CompletableFuture<Void> write(String shop, String handle, Use use) {
        return KafkaClients.send(producer(), new ProducerRecord<>(config.flowTriggersTopic(), shop + "/" + handle,
                EventJson.toBytes(use)));
    }

    /** Forgets every trigger of the shop (tombstones); completes when Kafka acknowledged them all. */
    public CompletableFuture<Void> forget(String shop) {
        return CompletableFuture.allOf(of(shop).keySet().stream().map(handle -> KafkaClients.send(producer(),
                new ProducerRecord<String, byte[]>(config.flowTriggersTopic(), shop + "/" + handle, null)))
                .toArray(CompletableFuture[]::new));
    }

    private void read(SupervisedLoop loop) {
        kafka.ensureTopics(List.of(new NewTopic(config.flowTriggersTopic(), Optional.of(config.partitions()),
                Optional.empty()).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
                "the Flow trigger use (shop-registry.flow-triggers-topic)");
        kafka.readAndFollow("flow-trigger-use-reader", config.flowTriggersTopic(), loop, this::apply, loaded::countDown);
    }

    void apply(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        int slash = key == null ? -1 : key.lastIndexOf('/');
        if (slash < 0 || !ShopDomains.isValid(key.substring(0, slash))
                || !HANDLE.matcher(key.substring(slash + 1)).matches()) {
            invalid.increment();
            return;
        }
        String shop = key.substring(0, slash);
        String handle = key.substring(slash + 1);
        if (r.value() == null) {
            byShop.computeIfPresent(shop, (s, m) -> {
                m.remove(handle);
                return m.isEmpty() ? null : m;
            });
            return;
        }
        Use use;
        try {
            use = EventJson.fromBytes(r.value(), Use.class);
        } catch (RuntimeException e) {
            use = null;
        }
        if (use == null || use.at() == null) {
            invalid.increment(); // the shop keeps what it had
            return;
        }
        byShop.computeIfAbsent(shop, s -> new ConcurrentHashMap<>()).put(handle, use);
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = kafka.producer("flow-trigger-use-writer");
        }
        return producer;
    }

    @PreDestroy
    void close() {
        reader.close();
        if (producer != null) {
            producer.close(ACK);
        }
    }
}
