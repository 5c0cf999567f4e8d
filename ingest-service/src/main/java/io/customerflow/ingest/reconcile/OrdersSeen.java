package io.customerflow.ingest.reconcile;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;
import io.customerflow.events.EventJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;

/**
 * The last {@code updated_at} ingest published per order, from webhooks and passes alike, kept on a compacted topic
 * (key {@code {shop}/{order id}}) and in memory. A pass skips an order seen at the same {@code updated_at}: it would
 * change nothing downstream but would spend the shop's Shopify budget on a second {@code tagsAdd}.
 *
 * <p>Every replica writes what it publishes; the replica running passes reads the whole topic at start and follows
 * it. A webhook acknowledged a moment before a pass reads the same order may still be re-emitted: its booking ids
 * are the same, so the consumers' idempotency collapses it.
 */
final class OrdersSeen implements AutoCloseable {

    /** What was last published for an order. */
    record Seen(OffsetDateTime updatedAt, boolean cancelled) {
    }

    private final String topic;
    private final KafkaClients kafka;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final SupervisedLoop reader;

    OrdersSeen(KafkaClients kafka, String topic, MeterRegistry registry) {
        this.topic = topic;
        this.kafka = kafka;
        this.producer = kafka.producer("ingest-orders-seen-writer");
        this.reader = new SupervisedLoop("orders-seen-reader", registry, this::read);
    }

    void start() {
        reader.start();
    }

    /** Waits until the topic was read to the end once (what other replicas published before this one started). */
    boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    Optional<Seen> get(String shop, long orderId) {
        return Optional.ofNullable(seen.get(key(shop, orderId)));
    }

    /** Remembers the orders locally at once, and completes when Kafka acknowledged all of them. */
    CompletableFuture<Void> record(String shop, Map<Long, Seen> orders) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        orders.forEach((orderId, s) -> {
            String key = key(shop, orderId);
            seen.merge(key, s, OrdersSeen::newer);
            CompletableFuture<Void> ack = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(topic, key, EventJson.toBytes(s)), (meta, e) -> {
                if (e == null) {
                    ack.complete(null);
                } else {
                    ack.completeExceptionally(e);
                }
            });
            acks.add(ack);
        });
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    /** Reads the topic from its start and follows it; after a failure the loop reads it again (merges are idempotent). */
    private void read(SupervisedLoop loop) {
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer("ingest-orders-seen-reader", null, Map.of())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (loop.running()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                loop.up();
                if (loaded.getCount() > 0 && end.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    Log.infof("orders seen: %d orders read from %s", seen.size(), topic);
                    loaded.countDown();
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            seen.remove(r.key());
            return;
        }
        try {
            seen.merge(r.key(), EventJson.fromBytes(r.value(), Seen.class), OrdersSeen::newer);
        } catch (RuntimeException e) {
            Log.warnf("orders seen: unreadable record at %s-%d@%d skipped", r.topic(), r.partition(), r.offset());
        }
    }

    private static Seen newer(Seen a, Seen b) {
        return b.updatedAt().isAfter(a.updatedAt()) ? b : a;
    }

    private static String key(String shop, long orderId) {
        return shop + "/" + orderId;
    }

    @Override
    public void close() {
        reader.close();
        producer.close(Duration.ofSeconds(5));
    }
}
