package io.customerflow.consumer;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.RedactionLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;

/**
 * The redaction ledger as a consumer honours it ({@link RedactionLedger}): read whole at start, followed live by a
 * {@link SupervisedLoop}. A consumer asks {@link #suppresses} before it sends anything about a person: an event of a
 * redacted identity is dropped when it may describe what the redaction erased, so nothing of that person reaches
 * Shopify tags or Klaviyo again, replays and late steps included.
 *
 * <p>The rule: a booking confirmation or a created order dated at or before the redaction is suppressed (a replay, a
 * reconciliation, a backfill); one dated after it is a new booking and goes through. Every other event of a redacted
 * identity (reschedule, cancel, complete, no-show, order updated or cancelled) is suppressed: it can't tell whether
 * its booking predates the redaction, and sending it could bring the person back.
 */
@Singleton // not a lazy proxy: made, and the ledger read, when the consumer that injects it is made at start
public class RedactedSubjects {


    private final RedactionLedger ledger;
    private final String topic;
    private final KafkaClients kafka;
    private final Map<String, OffsetDateTime> marks = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Counter suppressed;
    private final SupervisedLoop reader;

    public RedactedSubjects(PrivacyConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            MeterRegistry registry) {
        this.ledger = config.requireLedger();
        this.topic = config.ledgerTopic();
        this.kafka = new KafkaClients(kafkaConfig);
        this.suppressed = Counter.builder("privacy.suppressed").description("Events not sent because their person "
                + "was redacted").register(registry);
        this.reader = new SupervisedLoop("redaction-ledger-reader", registry, this::read).start();
        // Before the consumer that needs it starts: from its first event on, every redaction so far is known, and
        // no event waits for the ledger on a consumer's thread.
        KafkaClients.awaitRead(loaded, "the redaction ledger", topic);
    }

    /** The compacted ledger topic, created when missing (the chart may create it as a KafkaTopic instead). */
    public static void ensureTopic(KafkaClients kafka, String topic) {
        kafka.ensureTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
                "the redaction ledger (privacy.ledger-topic)");
    }

    /** Whether the event must not reach the sink (see the class's rule); counted. */
    public boolean suppresses(EventRecord<?> event) {
        // Bookings and orders only: the redaction itself (and a data request) must go on to do its work.
        if (!(event.data() instanceof BookingEvent) && !(event.data() instanceof OrderEvent)) {
            return false;
        }
        List<String> keys = ledger.keysOf(event.data());
        if (keys.isEmpty()) {
            return false;
        }
        OffsetDateTime redactedAt = null;
        for (String key : keys) {
            OffsetDateTime at = marks.get(key);
            if (at != null && (redactedAt == null || at.isAfter(redactedAt))) {
                redactedAt = at;
            }
        }
        if (redactedAt == null) {
            return false;
        }
        OffsetDateTime dated = event.type() == EventType.BOOKING_CONFIRMED ? event.dataAs(BookingEvent.class).occurredAt()
                : event.type() == EventType.ORDER_CREATED ? event.dataAs(OrderEvent.class).createdAt() : null;
        boolean suppress = dated == null || !dated.isAfter(redactedAt);
        if (suppress) {
            suppressed.increment();
        }
        return suppress;
    }

    /** Creates the topic when missing (in the loop: Kafka may be away at start), then reads it and follows it. */
    private void read(SupervisedLoop loop) {
        ensureTopic(kafka, topic);
        kafka.readAndFollow("redaction-ledger-reader", topic, loop, this::apply, loaded::countDown);
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null || r.value() == null) {
            return; // the ledger is never shortened: a tombstone or a keyless record changes nothing
        }
        try {
            OffsetDateTime at = EventJson.fromBytes(r.value(), RedactionLedger.Mark.class).redactedAt();
            if (at != null) {
                // A mark dated in the future would hide the person's new bookings too: it counts as read now.
                OffsetDateTime now = OffsetDateTime.now();
                at = at.isAfter(now) ? now : at;
                marks.merge(r.key(), at, (a, b) -> b.isAfter(a) ? b : a);
            }
        } catch (RuntimeException e) {
            // An unreadable mark is skipped; the next of that key (if any) counts.
        }
    }

    @PreDestroy
    void close() {
        reader.close();
    }
}
