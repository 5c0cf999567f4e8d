package io.customerflow.consumer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * Bounds the records a consumer holds in flight. {@link #admit()} answers a future that completes at once while
 * there is room and otherwise when a slot frees; returned from a Kafka handler it makes the connector stop
 * pulling, so the consumer pauses instead of blocking its poll loop into a rebalance.
 */
public final class Admission {

    private final int max;
    private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int inFlight;

    public Admission(int max) {
        this.max = max;
    }

    public synchronized CompletableFuture<Void> admit() {
        inFlight++;
        if (inFlight <= max) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> wait = new CompletableFuture<>();
        waiting.add(wait);
        return wait;
    }

    public void release() {
        CompletableFuture<Void> wake;
        synchronized (this) {
            inFlight--;
            wake = waiting.poll();
        }
        if (wake != null) {
            wake.complete(null);
        }
    }

    public synchronized int inFlight() {
        return inFlight;
    }
}
