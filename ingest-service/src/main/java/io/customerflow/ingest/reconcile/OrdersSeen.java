package io.customerflow.ingest.reconcile;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

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
 * <p>Every replica writes what it publishes; only the replica running passes holds the table: it reads the whole
 * topic when it starts leading, follows it, and drops it when it stops. The table is bounded in time: the leader
 * forgets an order last updated more than {@code ingest.reconcile.seen-retention} ago and writes its tombstone, so
 * compaction removes it from the topic too (a pass reading such an order again re-emits it, which the consumers'
 * idempotency collapses). A webhook acknowledged a moment before a pass reads the same order may still be
 * re-emitted: its booking ids are the same.
 */
final class OrdersSeen implements AutoCloseable {

    /** What was last published for an order. */
    record Seen(OffsetDateTime updatedAt, boolean cancelled) {
    }

    /**
     * Every webhook writes a note: fetched as they come, a fetch or two per webhook cost the leader more than reading
     * them. A quarter second behind is nothing to a pass (every few minutes), and this replica's own notes are merged
     * as written.
     */
    private static final Map<String, Object> FOLLOW_IN_BATCHES = Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024,
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 250);

    /** The header naming the lead session that wrote a note ({@link #session}). */
    static final String WRITER = "cf-seen-writer";

    private final String topic;
    private final KafkaClients kafka;
    private final KafkaProducer<String, byte[]> producer;
    private final MeterRegistry registry;
    private final Duration retention;
    private final SeenTable seen = new SeenTable();
    private volatile CountDownLatch loaded = new CountDownLatch(1);
    private volatile SupervisedLoop reader;
    /**
     * Marks what this replica wrote while holding the table since it last started leading (header
     * {@value #WRITER}): its reader skips those, merged when written, instead of parsing every webhook's note twice.
     */
    private volatile byte[] session = new byte[0];

    OrdersSeen(KafkaClients kafka, String topic, Duration retention, MeterRegistry registry) {
        this.topic = topic;
        this.kafka = kafka;
        this.retention = retention;
        this.registry = registry;
        this.producer = kafka.producer("ingest-orders-seen-writer");
        registry.gauge("ingest.reconcile.orders.seen", seen, SeenTable::size);
    }

    /** This replica runs the passes: hold the table (read the topic from its start, then follow it). */
    synchronized void lead() {
        if (reader == null) {
            seen.clear();
            loaded = new CountDownLatch(1);
            session = java.util.UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            reader = new SupervisedLoop("orders-seen-reader", registry, this::read).start();
        }
    }

    /** Another replica runs the passes: drop the table. */
    synchronized void follow() {
        if (reader != null) {
            reader.close();
            reader = null;
            seen.clear();
        }
    }

    /** Waits until the topic was read to the end once (what other replicas published before this one started). */
    boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return reader != null && loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Forgets the orders last updated before {@code now - retention}, here and on the topic (tombstones); the leader
     * calls it now and then. Completes when Kafka acknowledged the tombstones.
     */
    CompletableFuture<Integer> expire(OffsetDateTime now) {
        OffsetDateTime before = now.minus(retention);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        byte[] writer = session;
        for (String key : seen.removeUpdatedBefore(before)) {
            // Marked like a note: removed here already, and a note this session writes next must not be undone by it.
            ProducerRecord<String, byte[]> tombstone = new ProducerRecord<>(topic, key, null);
            tombstone.headers().add(WRITER, writer);
            acks.add(KafkaClients.send(producer, tombstone));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply(v -> acks.size());
    }

    Optional<Seen> get(String shop, long orderId) {
        return Optional.ofNullable(seen.get(shop, orderId));
    }

    /**
     * Writes the orders to the topic, and remembers them at once where this replica holds the table; completes when
     * Kafka acknowledged all of them.
     */
    CompletableFuture<Void> record(String shop, Map<Long, Seen> orders) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        boolean holding = reader != null;
        byte[] writer = session;
        orders.forEach((orderId, s) -> {
            String key = key(shop, orderId);
            ProducerRecord<String, byte[]> note = new ProducerRecord<>(topic, key, EventJson.toBytes(s));
            if (holding) {
                seen.merge(shop, orderId, s);
                note.headers().add(WRITER, writer);
            }
            acks.add(KafkaClients.send(producer, note));
        });
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    /** Reads the topic from its start and follows it; after a failure the loop reads it again (merges are idempotent). */
    private void read(SupervisedLoop loop) {
        CountDownLatch latch = loaded;
        kafka.readAndFollow("ingest-orders-seen-reader", topic, FOLLOW_IN_BATCHES, loop, this::apply, () -> {
            Log.infof("orders seen: %d orders read from %s", seen.size(), topic);
            latch.countDown();
        }, positions -> {
        });
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        Header writer = r.headers().lastHeader(WRITER);
        if (writer != null && java.util.Arrays.equals(writer.value(), session)) {
            return; // merged when this lead session wrote it
        }
        if (r.value() == null) {
            parse(r.key(), (shop, orderId) -> seen.remove(shop, orderId));
            return;
        }
        try {
            Seen s = EventJson.fromBytes(r.value(), Seen.class);
            parse(r.key(), (shop, orderId) -> seen.merge(shop, orderId, s));
        } catch (RuntimeException e) {
            Log.warnf("orders seen: unreadable record at %s-%d@%d skipped", r.topic(), r.partition(), r.offset());
        }
    }

    static String key(String shop, long orderId) {
        return shop + "/" + orderId;
    }

    /** A topic key {@code shop/order id}; anything else is skipped. */
    private static void parse(String key, java.util.function.ObjLongConsumer<String> action) {
        int slash = key == null ? -1 : key.lastIndexOf('/');
        if (slash > 0) {
            try {
                action.accept(key.substring(0, slash).intern(), Long.parseLong(key.substring(slash + 1)));
            } catch (NumberFormatException e) {
                // not an order key
            }
        }
    }

    @Override
    public void close() {
        follow();
        producer.close(Duration.ofSeconds(5));
    }
}
