package io.customerflow.tagging.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

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
import io.customerflow.tagging.config.TaggingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;

/**
 * The event ids whose Shopify Flow trigger was sent, kept on a compacted topic (key: the shop and the event id;
 * value: a {@link Mark}: shop, trigger, sent or failed, when) and
 * read whole before tagging consumes, then followed: a redelivery (a restart before the offset was committed, a
 * rebalance, a replay) never starts a merchant's workflow twice, on this replica or the one that takes the partition
 * over. Kafka forgets a mark after {@code tagging.flow.sent-retention}; redeliveries come within minutes.
 *
 * <p>Two windows are left, each of a fraction of a second: a crash between Flow's answer and Kafka's acknowledgement
 * of the mark, and a partition handed over before the new owner has read the old owner's last marks. Flow has no
 * idempotency key to close them. A step older than the retention starts no workflow ({@code FlowTriggerSender}), so
 * an event published again after its mark expired (an order updated weeks after its booking) is never sent twice.
 */
@Singleton
public class SentFlowTriggers {


    private final String topic;
    private final Duration retention;
    private final KafkaClients kafka;
    private final Map<String, Instant> sent = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final SupervisedLoop reader;
    private volatile KafkaProducer<String, byte[]> producer;
    private Instant nextPrune = Instant.now();

    public SentFlowTriggers(TaggingConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            MeterRegistry registry) {
        this.topic = config.flow().sentTopic();
        this.retention = config.flow().sentRetention();
        this.kafka = new KafkaClients(kafkaConfig);
        this.reader = new SupervisedLoop("flow-triggers-sent-reader", registry, this::read).start();
        KafkaClients.awaitRead(loaded, "the Flow triggers sent", topic);
    }

    /** Whether the shop's trigger for the event was sent (by any replica, so far as this one has read). */
    public boolean contains(String shop, String eventId) {
        return sent.containsKey(key(shop, eventId));
    }

    /** Marks the event's trigger sent to the shop; completes when Kafka holds the mark. */
    public CompletableFuture<Void> record(String eventId, String shop, String trigger) {
        Instant now = Instant.now();
        return mark(eventId, new Mark(shop, trigger, SENT, now)).thenRun(() -> sent.put(key(shop, eventId), now));
    }

    /**
     * Marks the event's trigger as failed (dead-lettered): never read as sent, so a replay sends it; counted by the
     * console. Not awaited: the dead letter holds the event either way.
     */
    public void recordFailure(String eventId, String shop, String trigger) {
        mark(eventId, new Mark(shop, trigger, FAILED, Instant.now()));
    }

    /**
     * The key: the shop and the event id, so an event id another shop's client chose (instant booking ids are the
     * client's) never stands for this shop's.
     */
    private static String key(String shop, String eventId) {
        return shop + "|" + eventId;
    }

    /** A mark's value: the shop and trigger (no person), what happened and when. */
    public record Mark(String shop, String trigger, String outcome, Instant at) {
    }

    public static final String SENT = "sent";
    public static final String FAILED = "failed";

    private CompletableFuture<Void> mark(String eventId, Mark mark) {
        return KafkaClients.send(producer(), new ProducerRecord<>(topic, key(mark.shop(), eventId),
                EventJson.toBytes(mark)));
    }

    private void read(SupervisedLoop loop) {
        kafka.ensureTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis())))),
                "the Flow triggers sent (tagging.flow.sent-topic)");
        kafka.readAndFollow("flow-triggers-sent-reader", topic, loop, this::apply, loaded::countDown);
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null || r.value() == null) {
            return;
        }
        try {
            Mark mark = EventJson.fromBytes(r.value(), Mark.class);
            if (!SENT.equals(mark.outcome()) || mark.shop() == null || !r.key().startsWith(mark.shop() + "|")) {
                return; // a failure (a replay must send it), or a mark of no shop: proves nothing was sent
            }
        } catch (RuntimeException unreadable) {
            return; // hostile by default: a mark this version can't read proves nothing was sent
        }
        Instant now = Instant.now();
        Instant at = Instant.ofEpochMilli(r.timestamp());
        if (at.isAfter(now.minus(retention))) {
            sent.merge(r.key(), at, (a, b) -> a.isAfter(b) ? a : b);
        }
        // Kafka deletes marks past the retention only segment by segment: forget them here on the same schedule.
        if (now.isAfter(nextPrune)) {
            nextPrune = now.plus(Duration.ofMinutes(10));
            sent.values().removeIf(t -> t.isBefore(now.minus(retention)));
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = kafka.producer("flow-triggers-sent-writer");
        }
        return producer;
    }

    @PreDestroy
    public void close() {
        reader.close();
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
