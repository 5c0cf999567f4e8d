package io.customerflow.registry;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;
import io.customerflow.events.EventJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;

/**
 * The shop registry as a service sees it: {@code shops.v1} read to its end before the service takes traffic, then
 * followed live by a {@link SupervisedLoop}, so a shop installed, changed or uninstalled takes effect in every replica
 * within a poll. Writes complete when Kafka acknowledged them; a writer's own change is seen like any other, by
 * reading, so no service acts on a credential Kafka doesn't hold.
 *
 * <p>Hostile by default: a record whose key and shop differ, whose shop isn't a {@code .myshopify.com} domain or
 * whose secrets don't open for that shop is skipped (counted in {@code shop.registry.invalid}, logged with the key
 * only) and the shop keeps its last good record.
 */
@Singleton
public class RegisteredShops {

    private final ShopRegistryConfig config;
    private final SecretBox box;
    private final KafkaClients kafka;
    private final Map<String, ShopRecord> shops = new ConcurrentHashMap<>();
    private final Map<String, Opened> opened = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<ShopRecord>>> waiting = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Counter invalid;
    private final SupervisedLoop reader;
    private volatile KafkaProducer<String, byte[]> producer;

    public RegisteredShops(ShopRegistryConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry registry) {
        this.config = config;
        this.box = SecretBox.of(config);
        this.kafka = new KafkaClients(kafkaConfig);
        this.invalid = Counter.builder("shop.registry.invalid")
                .description("Registry records skipped: malformed, or secrets that don't open").register(registry);
        Gauge.builder("shop.registry.shops", shops, m -> m.values().stream().filter(ShopRecord::installed).count())
                .description("Shops installed, as this replica reads the registry").register(registry);
        this.reader = new SupervisedLoop("shop-registry-reader", registry, this::read).start();
        awaitLoaded();
    }

    public SecretBox box() {
        return box;
    }

    public String topic() {
        return config.topic();
    }

    /** The shop's record, whatever its status. */
    public Optional<ShopRecord> find(String shop) {
        return Optional.ofNullable(shops.get(shop));
    }

    public Collection<ShopRecord> all() {
        return List.copyOf(shops.values());
    }

    /** The shop's Admin API access token, opened, when it is installed; with the version it came with. */
    public Optional<AccessToken> accessToken(String shop) {
        ShopRecord record = shops.get(shop);
        if (record == null || !record.installed()) {
            return Optional.empty();
        }
        Opened o = opened.compute(shop, (k, old) -> old != null && old.version == record.version() ? old
                : new Opened(record.version(), box.open(shop, "accessToken", record.credential().accessToken())));
        return Optional.of(new AccessToken(o.token, record.version(), record.credential().accessTokenExpiresAt()));
    }

    /**
     * The shop's Klaviyo private key, opened, when the shop has one and is not uninstalled (a shop that needs
     * re-authorisation with Shopify still has a valid Klaviyo key).
     */
    public Optional<String> klaviyoKey(String shop) {
        ShopRecord record = shops.get(shop);
        return record == null || record.status() == ShopRecord.Status.UNINSTALLED || record.klaviyoKey() == null
                ? Optional.empty() : Optional.ofNullable(box.open(shop, "klaviyoKey", record.klaviyoKey()));
    }

    /** An access token and the registry version it belongs to (a newer version may carry a newer token). */
    public record AccessToken(String token, long version, OffsetDateTime expiresAt) {
        @Override
        public String toString() {
            return "AccessToken[version=" + version + ", expiresAt=" + expiresAt + "]"; // never the token
        }
    }

    /**
     * Completes with the shop's record once this replica has read a version newer than {@code version}, or with
     * what it has when {@code timeout} passed (then possibly the same version).
     */
    public CompletableFuture<ShopRecord> newerThan(String shop, long version, Duration timeout) {
        ShopRecord now = shops.get(shop);
        if (now != null && now.version() > version) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<ShopRecord> next = new CompletableFuture<>();
        List<CompletableFuture<ShopRecord>> list = waiting.computeIfAbsent(shop, k -> new CopyOnWriteArrayList<>());
        list.add(next);
        ShopRecord again = shops.get(shop); // written between the look and the registration
        if (again != null && again.version() > version) {
            next.complete(again);
        }
        // A wait that timed out leaves no trace (events of a shop never installed must not pile up waiters).
        return next.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> list.remove(next)).thenApply(r -> r != null ? r : shops.get(shop));
    }

    /** Writes a shop's record; completes when Kafka acknowledged it. */
    public CompletableFuture<Void> write(ShopRecord record) {
        return KafkaClients.send(producer(), new ProducerRecord<>(config.topic(), record.shop(),
                EventJson.toBytes(record)));
    }

    /** The compacted registry topic, created when missing (the chart declares it as a KafkaTopic). */
    public static void ensureTopic(KafkaClients kafka, ShopRegistryConfig config) {
        kafka.ensureTopics(List.of(new NewTopic(config.topic(), Optional.of(config.partitions()), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
                "the shop registry (shop-registry.topic)");
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = kafka.producer("shop-registry-writer");
        }
        return producer;
    }

    private void awaitLoaded() {
        try {
            if (!loaded.await(config.loadTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the shop registry " + config.topic() + " was not read within "
                        + config.loadTimeout() + " (shop-registry.load-timeout): is Kafka reachable?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the shop registry", e);
        }
    }

    private void read(SupervisedLoop loop) {
        ensureTopic(kafka, config);
        kafka.readAndFollow("shop-registry-reader", config.topic(), loop, this::apply, loaded::countDown);
    }

    void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            shops.remove(r.key());
            opened.remove(r.key());
            return;
        }
        ShopRecord record;
        try {
            record = RegistryRecords.read(r.key(), r.value(), box);
        } catch (RuntimeException e) {
            invalid.increment();
            System.getLogger(RegisteredShops.class.getName()).log(System.Logger.Level.WARNING,
                    "shop registry: record of " + safeKey(r.key()) + " skipped: " + e.getMessage());
            return;
        }
        ShopRecord held = shops.get(record.shop());
        if (held != null && record.version() < held.version()) {
            return; // an older version, read again after the reader restarted from the topic's start
        }
        shops.put(record.shop(), record);
        List<CompletableFuture<ShopRecord>> waiters = waiting.remove(record.shop());
        if (waiters != null) {
            new ArrayList<>(waiters).forEach(w -> w.complete(record));
        }
    }

    private static String safeKey(String key) {
        return key.length() > 120 ? key.substring(0, 120) + "..." : key.replaceAll("[^A-Za-z0-9.-]", "?");
    }

    @PreDestroy
    void close() {
        reader.close();
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private record Opened(long version, String token) {
    }
}
