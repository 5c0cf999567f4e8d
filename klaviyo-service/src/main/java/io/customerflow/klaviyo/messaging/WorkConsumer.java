package io.customerflow.klaviyo.messaging;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.customerflow.consumer.DeadLetters;
import io.customerflow.consumer.RedactedSubjects;
import io.customerflow.events.EventRecord;
import io.customerflow.events.RecentIds;
import io.customerflow.klaviyo.config.KlaviyoConfig;
import io.customerflow.klaviyo.service.KlaviyoWorkPlanner;
import io.customerflow.klaviyo.service.KlaviyoDelivery;
import io.customerflow.klaviyo.service.PacingHandover;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Consumes the work topic (the events {@link CustomerEventsRouter} forwarded, keyed by account): booking steps
 * become Klaviyo events, redacts become deletion requests, sent by the one replica that owns the account's
 * partition ({@code PacingHandover}). A record is acked once Klaviyo accepted its request, nacked to
 * {@value Channels#DEAD_LETTER_TOPIC} with the reason when Klaviyo never will; offsets are committed only up to the
 * last record whose effect is done.
 */
@ApplicationScoped
public class WorkConsumer {

    private final KlaviyoWorkPlanner planner;
    private final KlaviyoDelivery delivery;
    private final MeterRegistry metrics;
    private final DeadLetters deadLetters;
    private final RecentIds delivered;

    private final RedactedSubjects redacted;
    private final PacingHandover handover;

    public WorkConsumer(KlaviyoWorkPlanner planner, KlaviyoDelivery delivery, MeterRegistry metrics,
            KlaviyoConfig config, RedactedSubjects redacted, PacingHandover handover) {
        this.redacted = redacted;
        this.handover = handover;
        this.planner = planner;
        this.delivery = delivery;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters(metrics, "klaviyo");
        this.delivered = new RecentIds(config.delivery().recentlyDelivered());
    }

    @Incoming(Channels.WORK_IN)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> consume(Message<ConsumerRecord<String, byte[]>> message) {
        EventRecord<?> event;
        Optional<KlaviyoWorkPlanner.Work> work;
        try {
            event = EventRecord.read(message.getPayload());
            // Klaviyo dedupes on unique_id anyway; this only saves a request for a redelivery seen here.
            // A redaction that arrived while the event waited on the work topic still counts.
            if (delivered.contains(event.id()) || redacted.suppresses(event)) {
                return message.ack();
            }
            work = planner.plan(event);
        } catch (RuntimeException e) {
            // Any failure, a bug included, is this record's: the stream goes on with the next one.
            return deadLetter(message, e);
        }
        if (work.isEmpty()) {
            return message.ack();
        }
        String account = work.get().account();
        if (handover.paces(account)) {
            return deliver(message, event, work.get());
        }
        // An account not paced here yet: a key a shop connected after the partitions were assigned, taken over now
        // (off the event loop: it reads and writes the pacing topic). Any failure on the way is this record's.
        var worker = Infrastructure.getDefaultWorkerPool();
        return CompletableFuture.supplyAsync(() -> handover.takeOverLate(account), worker)
                .thenComposeAsync(taken -> taken ? deliver(message, event, work.get()) : notPacedHere(message, event),
                        worker)
                .exceptionally(failure -> {
                    deadLetter(message, failure);
                    return null;
                });
    }

    /**
     * Work of an account this replica doesn't pace: planned again, since the shop may have changed meanwhile. A shop
     * whose key changed after routing goes on to its new account's partition (acked once Kafka has it); one that
     * left gets its dead letter or nothing; else the record's own partition is being revoked, and its next owner
     * gets it (left unacknowledged here, as every record of a revoked partition).
     */
    private CompletionStage<Void> notPacedHere(Message<ConsumerRecord<String, byte[]>> message, EventRecord<?> event) {
        Optional<KlaviyoWorkPlanner.Work> again;
        try {
            again = planner.plan(event);
        } catch (RuntimeException e) {
            return deadLetter(message, e);
        }
        if (again.isEmpty()) {
            return message.ack();
        }
        String account = again.get().account();
        if (!account.equals(message.getPayload().key())) {
            return handover.reroute(account, message.getPayload()).handle((ok, failure) -> failure == null
                    ? message.ack() : deadLetter(message, failure)).thenCompose(s -> s);
        }
        return deliver(message, event, again.get());
    }

    private CompletionStage<Void> deliver(Message<ConsumerRecord<String, byte[]>> message, EventRecord<?> event,
            KlaviyoWorkPlanner.Work work) {
        String id = event.id();
        return delivery.deliver(work, (ok, failure) -> {
            if (failure == null) {
                delivered.add(id);
                metrics.counter("klaviyo.delivered", "type", event.type().name().toLowerCase()).increment();
                message.ack();
            } else {
                deadLetter(message, failure);
            }
        });
    }

    private CompletionStage<Void> deadLetter(Message<?> message, Throwable failure) {
        Log.warnf("dead-lettering a record: %s", failure.getMessage());
        return deadLetters.nack(message, failure);
    }
}
