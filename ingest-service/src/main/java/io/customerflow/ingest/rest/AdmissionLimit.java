package io.customerflow.ingest.rest;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many requests ingest works on at once, adapted to how long they take (additive increase, multiplicative
 * decrease, as TCP does with its window). Past the limit a request is refused before anything is spent on it.
 * <p>
 * Why adaptive: the right number is capacity × acceptable latency, and capacity is what the pod's cores, the broker
 * and its neighbours allow at that moment. A request slower than the target means work is queueing (for a core or
 * for Kafka): the limit shrinks by a quarter, at most once per target period, so a single burst of slow answers
 * counts once. Requests within the target while at least half the limit is in use let it grow by one per limit's
 * worth of them (one place per round trip, as TCP's congestion avoidance grows by one segment per window), up to the
 * configured maximum; an idle service keeps its limit where it was. Growing by one per fast answer instead, the limit
 * was back at its maximum a fraction of a second after each cut, and past capacity it never held.
 */
final class AdmissionLimit {

    /**
     * Never fewer places than this: slow answers for a reason more requests don't worsen (Kafka away, a cold JIT)
     * must not close the door to a sender's usual handful of connections.
     */
    static final int MIN = io.customerflow.ingest.config.ApiClientConnections.MIN_CONCURRENT_REQUESTS;

    private final int max;
    private final long targetNanos;
    private final AtomicInteger inProgress = new AtomicInteger();
    private volatile int limit;
    private long lastDecrease = Long.MIN_VALUE / 2;
    /** Fast answers counted towards the next place. */
    private int fastSinceGrowth;

    AdmissionLimit(int max, long targetNanos) {
        this.max = max;
        this.targetNanos = targetNanos;
        this.limit = max;
    }

    /** Takes a place when one is free under the current limit; the caller gives it back with {@link #release}. */
    boolean tryAcquire() {
        while (true) {
            int now = inProgress.get();
            if (now >= limit) {
                return false;
            }
            if (inProgress.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives a place back, with how long its request took from admission to answer; {@code now} is nanoTime. */
    void release(long tookNanos, long now) {
        int busy = inProgress.getAndDecrement();
        adapt(tookNanos, busy, now);
    }

    private synchronized void adapt(long tookNanos, int busy, long now) {
        if (tookNanos > targetNanos) {
            if (now - lastDecrease >= targetNanos) {
                limit = Math.max(MIN, (int) (limit * 0.75));
                lastDecrease = now;
                fastSinceGrowth = 0;
            }
        } else if (busy * 2 >= limit && limit < max && ++fastSinceGrowth >= limit) {
            limit++;
            fastSinceGrowth = 0;
        }
    }

    int limit() {
        return limit;
    }

    int inProgress() {
        return inProgress.get();
    }
}
