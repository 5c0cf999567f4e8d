package io.customerflow.klaviyo.messaging;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

import io.customerflow.consumer.BookingSteps;
import io.customerflow.consumer.DeadLetters;
import io.customerflow.consumer.RedactedSubjects;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventRecord;
import io.customerflow.klaviyo.service.KlaviyoWorkPlanner;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Consumes {@code customer-events.v1} and forwards what Klaviyo gets to the work topic, keyed and partitioned by
 * Klaviyo account, unchanged (value and CloudEvents headers): so each account's work reaches the one replica that
 * paces it, whichever replica consumed the customer's partition. A record is acked once Kafka holds its forward;
 * an event Klaviyo gets nothing for is acked at once; one that can never be delivered (broken contract, unknown
 * shop, no profile identifier) is nacked to {@value Channels#DEAD_LETTER_TOPIC} with the reason. A booking step
 * older than the latest its booking had here ({@link BookingSteps}: a no-show that arrives after the completion) is
 * sent nowhere; every other step becomes its booking's latest, and its record is acked only once Kafka holds that.
 */
@ApplicationScoped
public class CustomerEventsRouter {

    private final KlaviyoWorkPlanner planner;
    private final DeadLetters deadLetters;

    private final RedactedSubjects redacted;
    private final BookingSteps steps;

    public CustomerEventsRouter(KlaviyoWorkPlanner planner, MeterRegistry metrics, RedactedSubjects redacted,
            BookingSteps steps) {
        this.redacted = redacted;
        this.steps = steps;
        this.planner = planner;
        this.deadLetters = new DeadLetters(metrics, "klaviyo");
    }

    @Incoming(Channels.CUSTOMER_EVENTS_IN)
    @Outgoing(Channels.WORK_OUT)
    public Multi<Message<byte[]>> route(Multi<Message<ConsumerRecord<String, byte[]>>> events) {
        return events.map(this::forward).filter(Optional::isPresent).map(Optional::get);
    }

    private Optional<Message<byte[]>> forward(Message<ConsumerRecord<String, byte[]>> message) {
        ConsumerRecord<String, byte[]> record = message.getPayload();
        Optional<KlaviyoWorkPlanner.Work> work;
        CompletableFuture<Void> latest = null;
        try {
            EventRecord<?> event = EventRecord.read(record);
            // A redacted person is never sent to Klaviyo again (the redaction itself goes on: it deletes the profile).
            if (redacted.suppresses(event)) {
                work = Optional.empty();
            } else if (event.data() instanceof BookingEvent booking) {
                boolean outdated = steps.isOutdated(event.type(), booking);
                work = outdated ? Optional.empty() : planner.plan(event);
                latest = outdated ? null : steps.record(event.type(), booking);
            } else {
                work = planner.plan(event);
            }
        } catch (RuntimeException e) {
            // Any failure, a bug included, is this record's: the stream goes on with the next one.
            Log.warnf("dead-lettering a record: %s", e.getMessage());
            deadLetters.nack(message, e);
            return Optional.empty();
        }
        CompletableFuture<Void> stepKept = latest == null ? CompletableFuture.completedFuture(null) : latest;
        if (work.isEmpty()) {
            stepKept.whenComplete((v, e) -> {
                if (e == null) {
                    message.ack();
                } else {
                    message.nack(e);
                }
            });
            return Optional.empty();
        }
        String account = work.get().account();
        // Kafka's default partitioner places the key, on the topic's real partition count (AccountPartitions).
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(account).withHeaders(record.headers())
                .build();
        // The forward's ack (Kafka has it) acks the source record; its nack nacks it.
        return Optional.of(Message.of(record.value()).withMetadata(org.eclipse.microprofile.reactive.messaging
                .Metadata.of(metadata)).withAck(() -> stepKept.thenCompose(v -> message.ack()))
                .withNack(message::nack));
    }
}
