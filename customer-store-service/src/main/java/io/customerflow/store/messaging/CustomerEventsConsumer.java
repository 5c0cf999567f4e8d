package io.customerflow.store.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.customerflow.events.EventRecord;
import io.customerflow.store.service.EventApplier;
import io.customerflow.store.service.TransientFailures;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Applies {@code customer-events.v1} in order, one record at a time per partition. The offset is committed only
 * after the effect. Transient database failures are retried with backoff for as long as they last, so the
 * consumer pauses and never skips; a record that can never apply (broken contract, permanent SQL error) is
 * nacked and lands on {@value Channels#DEAD_LETTER_TOPIC} with the reason.
 */
@ApplicationScoped
public class CustomerEventsConsumer {

    private final EventApplier applier;

    public CustomerEventsConsumer(EventApplier applier) {
        this.applier = applier;
    }

    @Incoming(Channels.CUSTOMER_EVENTS_IN)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        EventRecord<?> event = EventRecord.read(record);
        // A call that never answers (e.g. a connection lost without a reset) must not stall the partition forever:
        // after 30 s it counts as a transient failure and is retried like one.
        return Uni.createFrom().deferred(() -> applier.apply(event))
                .ifNoItem().after(Duration.ofSeconds(30)).failWith(java.util.concurrent.TimeoutException::new)
                .onFailure(TransientFailures::isTransient)
                .invoke(f -> Log.warnf("transient failure on %s %s, retrying: %s", event.type(), event.id(),
                        f.getClass().getSimpleName()))
                .onFailure(TransientFailures::isTransient)
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.2).indefinitely()
                .replaceWithVoid();
    }
}
