package io.customerflow.tagging.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
import io.customerflow.tagging.config.TaggingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;

/**
 * The event ids whose Shopify Flow trigger was sent, kept on a compacted topic (key: the event id; value: a
 * {@link Mark}: shop, trigger, sent or failed, when) and
 * read whole before tagging consumes, then followed: a redelivery (a restart before the offset was committed, a
 * rebalance, a replay) never starts a merchant's workflow twice, on this replica or the one that takes the partition
 * over. Kafka forgets a mark after {@code tagging.flow.sent-retention}; redeliveries come within minutes.
 *
 * <p>The one window left: a crash between Flow's answer and Kafka's acknowledgement of the mark (milliseconds) sends
 * that trigger again on redelivery. Flow has no idempotency key to close it.
 */
@Singleton
public class SentFlowTriggers {

    private static final Duration LOAD_WAIT = Duration.ofSeconds(60);

    private final String topic;
    private final Duration retention;
    private final KafkaClients kafka;
    private final Map<String, Instant> sent = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final SupervisedLoop reader;
    private volatile KafkaProducer<String, byte[]> producer;

    public SentFlowTriggers(TaggingConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            MeterRegistry registry) {
        this.topic = config.flow().sentTopic();
        this.retention = config.flow().sentRetention();
        this.kafka = new KafkaClients(kafkaConfig);
        this.reader = new SupervisedLoop("flow-triggers-sent-reader", registry, this::read).start();
        awaitLoaded();
    }

    /** Whether the event's trigger was sent (by any replica, so far as this one has read). */
    public boolean contains(String eventId) {
        return sent.containsKey(eventId);
    }

    /** Marks the event's trigger sent to the shop; completes when Kafka holds the mark. */
    public CompletableFuture<Void> record(String eventId, String shop, String trigger) {
        Instant now = Instant.now();
        sent.put(eventId, now);
        return mark(eventId, new Mark(shop, trigger, SENT, now));
    }

    /**
     * Marks the event's trigger refused by Flow (dead-lettered): never read as sent, so a replay sends it; counted by
     * the console. Not awaited: the dead letter holds the event either way.
     */
    public void recordFailure(String eventId, String shop, String trigger) {
        mark(eventId, new Mark(shop, trigger, FAILED, Instant.now()));
    }

    /** A mark's value: the shop and trigger (no person), what happened and when. */
    public record Mark(String shop, String trigger, String outcome, Instant at) {
    }

    public static final String SENT = "sent";
    public static final String FAILED = "failed";

    private CompletableFuture<Void> mark(String eventId, Mark mark) {
        return KafkaClients.send(producer(), new ProducerRecord<>(topic, eventId, EventJson.toBytes(mark)));
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
            if (!SENT.equals(mark.outcome())) {
                return; // a failure: the next attempt (a replay) must send it
            }
        } catch (RuntimeException unreadable) {
            return; // hostile by default: a mark this version can't read proves nothing was sent
        }
        Instant at = Instant.ofEpochMilli(r.timestamp());
        if (at.isAfter(Instant.now().minus(retention))) {
            sent.merge(r.key(), at, (a, b) -> a.isAfter(b) ? a : b);
        }
        // Kafka deletes marks past the retention only segment by segment: forget them here on the same schedule.
        if (sent.size() % 10_000 == 0) {
            Instant oldest = Instant.now().minus(retention);
            sent.values().removeIf(t -> t.isBefore(oldest));
        }
    }

    private void awaitLoaded() {
        try {
            if (!loaded.await(LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the Flow triggers sent (" + topic + ") were not read within "
                        + LOAD_WAIT + ": is Kafka reachable (kafka.bootstrap.servers)?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + topic, e);
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = kafka.producer("flow-triggers-sent-writer");
        }
        return producer;
    }

    @PreDestroy
    void close() {
        reader.close();
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
