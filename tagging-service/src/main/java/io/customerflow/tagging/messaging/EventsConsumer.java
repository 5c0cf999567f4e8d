package io.customerflow.tagging.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.consumer.DeadLetters;
import io.customerflow.consumer.RedactedSubjects;
import io.customerflow.consumer.KeyedLanes;
import io.customerflow.consumer.PrivacyConfig;
import io.customerflow.events.EventRecord;
import io.customerflow.events.RecordKeys;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.service.BookingTagger;
import io.customerflow.tagging.service.OrderTagger;
import io.smallrye.mutiny.Uni;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;

/**
 * Consumes {@code orders.v1} (order rules) and {@code customer-events.v1} (booking-step rules, instant bookers): each
 * customer's events in order, customers in parallel, within a shop too. The lanes of
 * one shop share its Admin API cost bucket (pacing reserves each call's cost, so they queue for the points rather
 * than overdraw), so a shop with a large budget is tagged at its budget, not at one call's round trip; a throttled
 * shop never stalls the others. A record is acked after its tags are applied; a failure that can never succeed is nacked and lands on
 * {@value Channels#DEAD_LETTER_TOPIC} with the reason. Offsets are committed only up to the last record whose
 * effect is done (throttled commit strategy).
 */
@ApplicationScoped
public class EventsConsumer {

    private final OrderTagger orders;
    private final BookingTagger bookings;
    private final DeadLetters deadLetters;
    private final KeyedLanes lanes;

    private final RedactedSubjects redacted;
    private final RecordKeys keys;

    public EventsConsumer(OrderTagger orders, BookingTagger bookings, MeterRegistry metrics, TaggingConfig config,
            RedactedSubjects redacted, PrivacyConfig privacy) {
        this.redacted = redacted;
        this.keys = privacy.requireRecordKeys();
        this.orders = orders;
        this.bookings = bookings;
        this.deadLetters = new DeadLetters(metrics, "tagging");
        this.lanes = new KeyedLanes(config.consumer().maxInFlight());
    }

    @Incoming(Channels.ORDERS_IN)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> consumeOrder(Message<ConsumerRecord<String, byte[]>> message) {
        return consume(message, OrderTagger::laneOf, orders::handle);
    }

    @Incoming(Channels.CUSTOMER_EVENTS_IN)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> consumeBookingStep(Message<ConsumerRecord<String, byte[]>> message) {
        return consume(message, BookingTagger::laneOf, bookings::handle);
    }

    private CompletionStage<Void> consume(Message<ConsumerRecord<String, byte[]>> message,
            Function<EventRecord<?>, String> laneOf, Function<EventRecord<?>, Uni<OrderTagger.Outcome>> handler) {
        EventRecord<?> event;
        String lane;
        try {
            event = EventRecord.read(message.getPayload());
            if (redacted.suppresses(event)) {
                return message.ack(); // a redacted person is never tagged again
            }
            // A readable key written before keys were hashed is the same customer's lane as the hashed one after it.
            lane = keys.canonical(laneOf.apply(event));
        } catch (RuntimeException e) {
            // Any failure, a bug included, is this record's: the stream goes on with the next one.
            return deadLetter(message, DeadLetterReason.of(e), e);
        }
        return lanes.submit(lane, () -> handler.apply(event).subscribeAsCompletionStage(),
                (outcome, failure) -> {
                    if (failure == null) {
                        message.ack();
                    } else {
                        Log.warnf("dead-lettering %s %s: %s", event.type(), event.id(), failure.getMessage());
                        deadLetter(message, DeadLetterReason.of(failure), failure);
                    }
                }).thenCompose(v -> CompletableFuture.completedFuture(null));
    }

    /** Nacks to the dead-letter topic (the failure's message and reason word become headers), counted by kind. */
    private CompletionStage<Void> deadLetter(Message<?> message, DeadLetterReason reason, Throwable failure) {
        return deadLetters.nack(message, reason, failure);
    }
}
