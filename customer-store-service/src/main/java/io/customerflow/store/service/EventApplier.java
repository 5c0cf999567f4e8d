package io.customerflow.store.service;

import java.time.Duration;
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

    private Uni<Void> applyRun(EventRuns.Run run, int offset, Throwable[] failures) {
        if (run.events().size() == 1) {
            return applyOne(run.events().get(0), offset, failures);
        }
        return retryingTransients(() -> bookings.apply(run.events()), run.events().size() + " events")
                .replaceWithVoid()
                .onFailure().recoverWithUni(f -> {
                    Log.infof("a run of %d events failed for good (%s): applying them one by one",
                            run.events().size(), f.getClass().getSimpleName());
                    List<EventRecord<?>> events = run.events();
                    return Multi.createFrom().range(0, events.size())
                            .onItem().transformToUniAndConcatenate(i -> applyOne(events.get(i), offset + i, failures))
                            .collect().last().replaceWithVoid();
                });
    }

    private Uni<Void> applyOne(EventRecord<?> event, int index, Throwable[] failures) {
        return retryingTransients(() -> apply(event), event.type() + " " + event.id())
                .replaceWithVoid()
                .onFailure().recoverWithItem(f -> {
                    failures[index] = f;
                    return null;
                });
    }

    /**
     * A call that never answers (e.g. a connection lost without a reset) must not stall the partition forever:
     * after store.consumer.apply-timeout it counts as a transient failure and is retried like one.
     */
    private <T> Uni<T> retryingTransients(Supplier<Uni<T>> work, String what) {
        return Uni.createFrom().<T>deferred(work::get)
                .ifNoItem().after(applyTimeout).failWith(TimeoutException::new)
                .onFailure(TransientFailures::isTransient)
                .invoke(f -> Log.warnf("transient failure on %s, retrying: %s", what, f.getClass().getSimpleName()))
                .onFailure(TransientFailures::isTransient)
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.2).indefinitely();
    }
}
