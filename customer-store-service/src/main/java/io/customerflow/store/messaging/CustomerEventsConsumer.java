package io.customerflow.store.messaging;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.consumer.DeadLetters;
import io.customerflow.events.EventRecord;
import io.customerflow.events.InvalidEventException;
import io.customerflow.store.service.EventApplier;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.pgclient.PgException;

/**
 * Applies {@code customer-events.v1} a poll at a time ({@code batch=true}): the poll's events in order, in as few
 * transactions as {@link EventApplier} can (one for distinct customers). The poll is acked, and so its offsets
 * committed, only after every effect is done. A record that can never apply (broken contract, permanent SQL error)
 * is nacked alone and lands on {@value Channels#DEAD_LETTER_TOPIC} with the reason, counted as
 * {@code dead.letters{consumer=customer-store, reason}} ({@link DeadLetters}: the consumers' one metric and words).
 */
@ApplicationScoped
public class CustomerEventsConsumer {

    private final EventApplier applier;
    private final DeadLetters deadLetters;

    public CustomerEventsConsumer(EventApplier applier, MeterRegistry metrics) {
        this.applier = applier;
        this.deadLetters = new DeadLetters(metrics, "customer-store");
    }

    /** The poll being applied (polls apply one after the other, in order). */
    private CompletableFuture<Void> applying = CompletableFuture.completedFuture(null);

    /**
     * Reads the poll now and applies it after the previous one: while PostgreSQL works on one poll, the next is read
     * (the two share the box's cores). Answers the previous poll's completion, so at most two are held.
     */
    @Incoming(Channels.CUSTOMER_EVENTS_IN)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public synchronized CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<KafkaRecord<String, byte[]>> records = batch.getRecords();
        List<KafkaRecord<String, byte[]>> readable = new ArrayList<>(records.size());
        List<EventRecord<?>> events = new ArrayList<>(records.size());
        List<KafkaRecord<String, byte[]>> unreadable = new ArrayList<>();
        List<Throwable> why = new ArrayList<>();
        for (KafkaRecord<String, byte[]> record : records) {
            try {
                events.add(EventRecord.read(consumerRecord(record)));
                readable.add(record);
            } catch (RuntimeException e) {
                unreadable.add(record);
                why.add(e);
            }
        }
        CompletableFuture<Void> previous = applying;
        applying = previous.thenCompose(v -> applyAndAck(batch, readable, events, unreadable, why)
                .subscribeAsCompletionStage())
                .exceptionally(f -> {
                    // Only a dead letter Kafka didn't take gets here: the poll stays unacked (its offsets are not
                    // committed past it, so a restart applies it again, exactly once) and the next polls go on.
                    Log.errorf("a poll of %d records was not acked: %s", records.size(), f.getMessage());
                    return null;
                });
        return previous;
    }

    private Uni<Void> applyAndAck(KafkaRecordBatch<String, byte[]> batch, List<KafkaRecord<String, byte[]>> readable,
            List<EventRecord<?>> events, List<KafkaRecord<String, byte[]>> unreadable, List<Throwable> why) {
        return applier.applyAll(events).chain(failures -> {
            List<Uni<Void>> deadLettered = new ArrayList<>();
            for (int i = 0; i < unreadable.size(); i++) {
                deadLettered.add(deadLetter(unreadable.get(i), why.get(i)));
            }
            for (int i = 0; i < failures.size(); i++) {
                if (failures.get(i) != null) {
                    deadLettered.add(deadLetter(readable.get(i), failures.get(i)));
                }
            }
            // The dead letters first: the poll's offsets are committed only once Kafka holds them.
            return Multi.createFrom().iterable(deadLettered).onItem().transformToUniAndConcatenate(u -> u)
                    .collect().last();
        }).chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    @SuppressWarnings("unchecked")
    private static ConsumerRecord<String, byte[]> consumerRecord(KafkaRecord<String, byte[]> record) {
        return (ConsumerRecord<String, byte[]>) record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow().getRecord();
    }

    /** Only failures that can never apply get here: the connector dead-letters the record on this nack. */
    private Uni<Void> deadLetter(KafkaRecord<String, byte[]> record, Throwable failure) {
        return Uni.createFrom().deferred(() -> Uni.createFrom().completionStage(
                deadLetters.nack(record, reason(failure), failure)));
    }

    private static DeadLetterReason reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidEventException || t instanceof DeadLetterReason.Known) {
                return DeadLetterReason.of(t);
            }
            // Through Hibernate the driver's PgException arrives as a plain SQLException carrying its SQLSTATE.
            if (t instanceof PgException || t instanceof SQLException) {
                return DeadLetterReason.PERMANENT_SQL;
            }
        }
        return DeadLetterReason.UNEXPECTED;
    }
}
