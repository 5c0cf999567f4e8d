package io.customerflow.store.messaging;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.consumer.DeadLetters;
import io.customerflow.events.EventRecord;
import io.customerflow.events.InvalidEventException;
import io.customerflow.store.service.EventApplier;
import io.customerflow.store.service.EventRuns;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
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

    /** The last poll handed over: the rows it may touch once read, and when it is done. */
    private Applying last = new Applying(CompletableFuture.completedFuture(Optional.of(Set.of())),
            CompletableFuture.completedFuture(null));

    private record Applying(CompletableFuture<Optional<Set<String>>> rows, CompletableFuture<Void> done) {
    }

    /**
     * Reads the poll on a worker thread, then applies it on the event loop it arrived on (where Hibernate Reactive
     * keeps its sessions): at once when it touches none of the rows of the poll still applying, in a transaction of
     * its own, else after that poll, so a customer's events keep their order. A privacy request touches any row of its
     * shop, so its poll waits and is waited for. Answers the previous poll's completion, so at most two are held.
     * <p>
     * Why: one event loop does all of a poll's statement work, and reading (JSON, schema check, binding) took a quarter
     * of it; and a lone poll left that loop idle while PostgreSQL worked (bench/FINDINGS.md). Acks may now come out of
     * order: offsets are committed only up to the oldest poll not yet done.
     */
    @Incoming(Channels.CUSTOMER_EVENTS_IN)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public synchronized CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        Context loop = Vertx.currentContext();
        Applying previous = last;
        CompletableFuture<Poll> read = CompletableFuture.supplyAsync(() -> Poll.read(batch.getRecords()),
                Infrastructure.getDefaultWorkerPool());
        // A previous poll that could not even be read touches who knows what: wait for it.
        CompletableFuture<Optional<Set<String>>> before = previous.rows().exceptionally(f -> Optional.empty());
        CompletableFuture<Void> done = read.thenCombine(before, (poll, rowsBefore) -> {
            boolean apart = poll.rows().isPresent() && rowsBefore.isPresent()
                    && Collections.disjoint(poll.rows().get(), rowsBefore.get());
            return (apart ? CompletableFuture.<Void>completedFuture(null) : previous.done())
                    .thenCompose(v -> onLoop(loop, () -> applyAndAck(batch, poll)));
        }).thenCompose(applied -> applied)
                .exceptionally(f -> {
                    // Only a dead letter Kafka didn't take gets here: the poll stays unacked (its offsets are not
                    // committed past it, so a restart applies it again, exactly once) and the next polls go on.
                    Log.errorf("a poll of %d records was not acked: %s", batch.getRecords().size(), f.getMessage());
                    return null;
                });
        last = new Applying(read.thenApply(Poll::rows), done);
        return previous.done();
    }

    /** A poll's records read as events (and the rows they may touch), and those unreadable with the reason. */
    private record Poll(List<KafkaRecord<String, byte[]>> readable, List<EventRecord<?>> events,
            List<KafkaRecord<String, byte[]>> unreadable, List<Throwable> why, Optional<Set<String>> rows) {

        static Poll read(List<KafkaRecord<String, byte[]>> records) {
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
            return new Poll(readable, events, unreadable, why, EventRuns.rowsTouched(events));
        }
    }

    /** Runs the work on the event loop the poll arrived on (directly when there is none, as in a plain call). */
    private static CompletionStage<Void> onLoop(Context loop, Supplier<Uni<Void>> work) {
        if (loop == null) {
            return work.get().subscribeAsCompletionStage();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.runOnContext(x -> work.get().subscribe().with(done::complete, done::completeExceptionally));
        return done;
    }

    private Uni<Void> applyAndAck(KafkaRecordBatch<String, byte[]> batch, Poll poll) {
        return applier.applyAll(poll.events()).chain(failures -> {
            List<Uni<Void>> deadLettered = new ArrayList<>();
            for (int i = 0; i < poll.unreadable().size(); i++) {
                deadLettered.add(deadLetter(poll.unreadable().get(i), poll.why().get(i)));
            }
            for (int i = 0; i < failures.size(); i++) {
                if (failures.get(i) != null) {
                    deadLettered.add(deadLetter(poll.readable().get(i), failures.get(i)));
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
