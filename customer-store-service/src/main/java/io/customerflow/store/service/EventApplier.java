package io.customerflow.store.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.events.EventRecord;
import io.customerflow.store.config.StoreConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Applies events to the store, exactly once, in their order: a poll's booking events in as few transactions as
 * {@link EventRuns} allows (one for distinct customers), privacy requests one by one. Transient database failures
 * are retried with backoff for as long as they last, so the consumer pauses and never skips. When a run fails for
 * good (a record that can never apply), nothing of it was committed, and its events are applied one per
 * transaction so that only the bad one fails: its neighbours are neither lost nor doubled.
 */
@ApplicationScoped
public class EventApplier {

    /** What applying an event did, for metrics and tests. */
    public enum Outcome {
        APPLIED, DUPLICATE, SKIPPED_REDACTED, SKIPPED_UNIDENTIFIED, IGNORED
    }

    private final BookingBatch bookings;
    private final PrivacyRequests privacy;
    private final Duration applyTimeout;

    public EventApplier(BookingBatch bookings, PrivacyRequests privacy, StoreConfig config) {
        this.bookings = bookings;
        this.privacy = privacy;
        this.applyTimeout = config.consumer().applyTimeout();
    }

    /** Applies one event in its own transaction (no retries). */
    public Uni<Outcome> apply(EventRecord<?> event) {
        return BookingBatch.handles(event.type()) ? bookings.apply(List.of(event)).map(o -> o.get(0))
                : privacy.apply(event);
    }

    /**
     * Applies the events in order; per event null when done, or the failure that can never apply (for the caller to
     * dead-letter). Waits out transient failures.
     */
    public Uni<List<Throwable>> applyAll(List<EventRecord<?>> events) {
        Throwable[] failures = new Throwable[events.size()];
        List<EventRuns.Run> runs = EventRuns.of(events);
        int[] start = new int[runs.size()];
        for (int r = 1; r < runs.size(); r++) {
            start[r] = start[r - 1] + runs.get(r - 1).events().size();
        }
        return Multi.createFrom().range(0, runs.size())
                .onItem().transformToUniAndConcatenate(r -> applyRun(runs.get(r), start[r], failures))
                .collect().last()
                .map(x -> Arrays.asList(failures));
    }

    /**
     * A run is retried whole on a transient failure; one that times out (a slow database, a lock) is split in halves
     * instead, down to single events, so a run too large for the time allowed still gets through. An event that
     * times out alone is tried again only after the rest of its run: a run's events are of distinct customers, so
     * a slow event holds up only itself (and the polls after it, which keep their order).
     */
    private Uni<Void> applyRun(EventRuns.Run run, int offset, Throwable[] failures) {
        List<Integer> slow = new ArrayList<>();
        return applyEvents(run.events(), offset, failures, slow)
                .chain(() -> Multi.createFrom().iterable(slow)
                        .onItem().transformToUniAndConcatenate(i -> applyOne(run.events().get(i - offset), i, failures))
                        .collect().last().replaceWithVoid());
    }

    private Uni<Void> applyEvents(List<EventRecord<?>> events, int offset, Throwable[] failures, List<Integer> slow) {
        if (events.size() == 1) {
            EventRecord<?> event = events.get(0);
            return retryingTransients(() -> apply(event), event.type() + " " + event.id(), false)
                    .replaceWithVoid()
                    .onFailure(TransientFailures::isTimeout).recoverWithItem(f -> {
                        slow.add(offset);
                        return null;
                    })
                    .onFailure().recoverWithItem(f -> {
                        failures[offset] = f;
                        return null;
                    });
        }
        return retryingTransients(() -> bookings.apply(events), events.size() + " events", false)
                .replaceWithVoid()
                .onFailure(TransientFailures::isTimeout).recoverWithUni(f -> {
                    int half = events.size() / 2;
                    Log.infof("a run of %d events timed out: applying it in halves of %d and %d", events.size(), half,
                            events.size() - half);
                    return applyEvents(events.subList(0, half), offset, failures, slow)
                            .chain(() -> applyEvents(events.subList(half, events.size()), offset + half, failures,
                                    slow));
                })
                .onFailure().recoverWithUni(f -> {
                    Log.infof("a run of %d events failed for good (%s): applying them one by one",
                            events.size(), TransientFailures.describe(f));
                    return Multi.createFrom().range(0, events.size())
                            .onItem().transformToUniAndConcatenate(i -> applyOne(events.get(i), offset + i, failures))
                            .collect().last().replaceWithVoid();
                });
    }

    private Uni<Void> applyOne(EventRecord<?> event, int index, Throwable[] failures) {
        return retryingTransients(() -> apply(event), event.type() + " " + event.id(), true)
                .replaceWithVoid()
                .onFailure().recoverWithItem(f -> {
                    failures[index] = f;
                    return null;
                });
    }

    /**
     * A call that never answers (e.g. a connection lost without a reset) must not stall the partition forever:
     * after store.consumer.apply-timeout it counts as a transient failure. A single event is retried on it (it must
     * apply, and each try of a batched shop erasure keeps what it erased); a run is not, its caller splits it.
     */
    private <T> Uni<T> retryingTransients(Supplier<Uni<T>> work, String what, boolean retryTimeouts) {
        return Uni.createFrom().<T>deferred(work::get)
                .ifNoItem().after(applyTimeout).failWith(TimeoutException::new)
                .onFailure(f -> retryable(f, retryTimeouts))
                .invoke(f -> Log.warnf("transient failure on %s, retrying: %s", what, TransientFailures.describe(f)))
                .onFailure(f -> retryable(f, retryTimeouts))
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.2).indefinitely();
    }

    private static boolean retryable(Throwable f, boolean retryTimeouts) {
        return TransientFailures.isTimeout(f) ? retryTimeouts : TransientFailures.isTransient(f);
    }
}
