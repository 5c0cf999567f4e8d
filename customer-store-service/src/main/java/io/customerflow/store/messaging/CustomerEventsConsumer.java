package io.customerflow.store.messaging;

import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.consumer.DeadLetters;
import io.customerflow.events.EventRecord;
import io.customerflow.store.config.StoreConfig;
import io.customerflow.events.InvalidEventException;
import io.customerflow.store.service.EventApplier;
import io.customerflow.store.service.TransientFailures;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Applies {@code customer-events.v1} in order, one record at a time per partition. The offset is committed only
 * after the effect. Transient database failures are retried with backoff for as long as they last, so the
 * consumer pauses and never skips; a record that can never apply (broken contract, permanent SQL error) is
 * nacked and lands on {@value Channels#DEAD_LETTER_TOPIC} with the reason, counted as
 * {@code dead.letters{consumer=customer-store, reason}} ({@link DeadLetters}: the consumers' one metric and words).
 */
@ApplicationScoped
public class CustomerEventsConsumer {

    private final EventApplier applier;
    private final DeadLetters deadLetters;
    private final Duration applyTimeout;

    public CustomerEventsConsumer(EventApplier applier, MeterRegistry metrics, StoreConfig config) {
        this.applier = applier;
        this.deadLetters = new DeadLetters(metrics, "customer-store");
        this.applyTimeout = config.consumer().applyTimeout();
    }

    @Incoming(Channels.CUSTOMER_EVENTS_IN)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        EventRecord<?> event;
        try {
            event = EventRecord.read(record);
        } catch (InvalidEventException e) {
            deadLetters.count(DeadLetterReason.INVALID_EVENT);
            throw e;
        }
        // A call that never answers (e.g. a connection lost without a reset) must not stall the partition forever:
        // after store.consumer.apply-timeout it counts as a transient failure and is retried like one.
        return Uni.createFrom().deferred(() -> applier.apply(event))
                .ifNoItem().after(applyTimeout).failWith(java.util.concurrent.TimeoutException::new)
                .onFailure(TransientFailures::isTransient)
                .invoke(f -> Log.warnf("transient failure on %s %s, retrying: %s", event.type(), event.id(),
                        f.getClass().getSimpleName()))
                .onFailure(TransientFailures::isTransient)
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.2).indefinitely()
                // Only failures that can never apply get here: the connector dead-letters them on this nack.
                .onFailure().invoke(f -> deadLetters.count(reason(f)))
                .replaceWithVoid();
    }

    private static DeadLetterReason reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidEventException) {
                return DeadLetterReason.INVALID_EVENT;
            }
            // Through Hibernate the driver's PgException arrives as a plain SQLException carrying its SQLSTATE.
            if (t instanceof PgException || t instanceof SQLException) {
                return DeadLetterReason.PERMANENT_SQL;
            }
        }
        return DeadLetterReason.UNEXPECTED;
    }
}
