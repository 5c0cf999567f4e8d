package io.customerflow.ingest.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.customerflow.consumer.DeadLetters;
import io.customerflow.consumer.KeyedLanes;
import io.customerflow.events.EventRecord;
import io.customerflow.events.OrderEvent;
import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.service.ProductTagBookings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Reads {@code orders.v1} back for the bookings only a product look-up reveals ({@link ProductTagBookings}), as the
 * other consumers read their topics: a lane per shop (one shop's throttled look-ups never hold another's), acked once
 * the bookings are on Kafka, a record that can never succeed (after the Admin client's retries) nacked to
 * {@value Channels#DEAD_LETTER_TOPIC} with the reason ({@code ./customer-flow replay ingest} brings it back). A
 * redacted customer's booking is never published ({@link ProductTagBookings}).
 */
@ApplicationScoped
public class BookingLookupConsumer {

    private final ProductTagBookings bookings;
    private final DeadLetters deadLetters;
    private final KeyedLanes lanes;

    public BookingLookupConsumer(ProductTagBookings bookings, MeterRegistry metrics, IngestConfig config) {
        this.bookings = bookings;
        this.deadLetters = new DeadLetters(metrics, "ingest");
        this.lanes = new KeyedLanes(config.booking().lookupsInFlight());
    }

    @Incoming(Channels.ORDERS_IN)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> consume(Message<ConsumerRecord<String, byte[]>> message) {
        EventRecord<?> event;
        String shop;
        try {
            event = EventRecord.read(message.getPayload());
            if (!(event.data() instanceof OrderEvent order)) {
                return message.ack(); // uninstalls
            }
            shop = order.shop();
            if (!bookings.needsLookup(event)) {
                // Most orders: no worker, no lane. Acked out of order like the rest (the commit waits for earlier ones).
                bookings.notNeeded();
                return message.ack();
            }
        } catch (RuntimeException e) {
            // Any failure, a bug included, is this record's: the stream goes on with the next one.
            return deadLetter(message, e);
        }
        // On a worker: a look-up may wait for a refreshed token or, once, for the redaction ledger to load.
        return lanes.submit(shop, () -> Uni.createFrom().deferred(() -> bookings.handle(event))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).subscribeAsCompletionStage(),
                (outcome, failure) -> {
                    if (failure == null) {
                        message.ack();
                    } else {
                        Log.warnf("dead-lettering the look-up of %s %s: %s", event.type(), event.id(),
                                failure.getMessage());
                        deadLetter(message, failure);
                    }
                }).thenCompose(v -> CompletableFuture.completedFuture(null));
    }

    private CompletionStage<Void> deadLetter(Message<?> message, Throwable failure) {
        return deadLetters.nack(message, failure);
    }
}
