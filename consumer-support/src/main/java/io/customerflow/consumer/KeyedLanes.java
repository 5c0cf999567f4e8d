package io.customerflow.consumer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Runs work in lanes: in order within a lane (e.g. one shop, one API key), lanes in parallel, so one slow or
 * throttled lane never holds up the others. A bounded number of works is in flight; beyond it, {@link #submit}
 * answers a stage that completes only when a slot frees, which makes the Kafka connector stop pulling (it pauses
 * the consumer rather than blocking its poll loop).
 *
 * <p>Consumers use it with manual acknowledgement and the throttled commit strategy: each record is acked (or
 * nacked) in {@code done} after its effect, and offsets are committed only up to the last record whose effect is
 * done, whatever order lanes finish in.
 */
public final class KeyedLanes {

    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final Admission admission;

    public KeyedLanes(int maxInFlight) {
        this.admission = new Admission(maxInFlight);
    }

    /**
     * Queues {@code work} behind the lane's earlier work; {@code done} gets its result or failure.
     *
     * @return completes when the caller may submit more
     */
    public <T> CompletionStage<Void> submit(String lane, Supplier<? extends CompletionStage<T>> work,
            BiConsumer<T, Throwable> done) {
        CompletableFuture<Void> admitted = admission.admit();
        CompletableFuture<Void> next = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(lane, next);
        CompletableFuture<Void> start = previous == null ? CompletableFuture.completedFuture(null) : previous;
        start.handle((v, e) -> null).thenCompose(v -> run(work)).whenComplete((result, failure) -> {
            try {
                done.accept(result, failure == null ? null : unwrap(failure));
            } finally {
                tails.remove(lane, next);
                admission.release();
                next.complete(null);
            }
        });
        return admitted;
    }

    /** Works queued or running. */
    public int inFlight() {
        return admission.inFlight();
    }

    private static <T> CompletionStage<T> run(Supplier<? extends CompletionStage<T>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
