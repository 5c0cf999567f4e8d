package io.customerflow.store.messaging;

import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.customerflow.events.EventRecord;
import io.customerflow.events.InvalidEventException;
import io.customerflow.store.service.EventApplier;
import io.customerflow.store.service.TransientFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Applies {@code customer-events.v1} in order, one record at a time per partition. The offset is committed only
 * after the effect. Transient database failures are retried with backoff for as long as they last, so the
 * consumer pauses and never skips; a record that can never apply (broken contract, permanent SQL error) is
 * nacked and lands on {@value Channels#DEAD_LETTER_TOPIC} with the reason, counted as
 * {@code store.dead.letters{reason}} (a fixed word: the record's content never becomes a tag).
 */
@ApplicationScoped
public class CustomerEventsConsumer {

    /** Why a record was dead-lettered, as the {@code reason} tag. */
    static final String INVALID_EVENT = "invalid_event"; // the same word tagging and klaviyo use
    static final String PERMANENT_SQL = "permanent_sql";
    static final String UNEXPECTED = "unexpected";

    private final EventApplier applier;
    private final MeterRegistry metrics;

    public CustomerEventsConsumer(EventApplier applier, MeterRegistry metrics) {
        this.applier = applier;
        this.metrics = metrics;
        // Registered at zero so the dashboard's rate() shows 0, not "no data", before the first dead letter.
        for (String reason : new String[] { INVALID_EVENT, PERMANENT_SQL, UNEXPECTED }) {
            deadLetters(reason);
        }
    }

    @Incoming(Channels.CUSTOMER_EVENTS_IN)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        EventRecord<?> event;
        try {
            event = EventRecord.read(record);
        } catch (InvalidEventException e) {
            deadLetters(INVALID_EVENT).increment();
            throw e;
        }
        // A call that never answers (e.g. a connection lost without a reset) must not stall the partition forever:
        // after 30 s it counts as a transient failure and is retried like one.
        return Uni.createFrom().deferred(() -> applier.apply(event))
                .ifNoItem().after(Duration.ofSeconds(30)).failWith(java.util.concurrent.TimeoutException::new)
                .onFailure(TransientFailures::isTransient)
                .invoke(f -> Log.warnf("transient failure on %s %s, retrying: %s", event.type(), event.id(),
                        f.getClass().getSimpleName()))
                .onFailure(TransientFailures::isTransient)
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.2).indefinitely()
                // Only failures that can never apply get here: the connector dead-letters them on this nack.
                .onFailure().invoke(f -> deadLetters(reason(f)).increment())
                .replaceWithVoid();
    }

    private Counter deadLetters(String reason) {
        return metrics.counter("store.dead.letters", "reason", reason);
    }

    private static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidEventException) {
                return INVALID_EVENT;
            }
            // Through Hibernate the driver's PgException arrives as a plain SQLException carrying its SQLSTATE.
            if (t instanceof PgException || t instanceof SQLException) {
                return PERMANENT_SQL;
            }
        }
        return UNEXPECTED;
    }
}
