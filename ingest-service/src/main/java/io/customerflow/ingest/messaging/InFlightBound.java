package io.customerflow.ingest.messaging;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many records may wait for Kafka's acknowledgement at once. Past the bound a request is refused at once rather
 * than queued: under overload the producer's queue would otherwise grow until every request waits out its publish
 * timeout and fails, so the service would answer nothing well instead of most things well. A request alone is
 * always admitted, whatever its size, so no request is refused forever.
 */
final class InFlightBound {

    private final long max;
    private final AtomicLong held = new AtomicLong();

    InFlightBound(long max) {
        this.max = max;
    }

    /** Admits {@code n} records when they fit (or nothing is in flight); the caller releases them when done. */
    boolean tryAcquire(int n) {
        while (true) {
            long now = held.get();
            if (now > 0 && now + n > max) {
                return false;
            }
            if (held.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    /** Holds {@code n} records whatever is in flight (background work, which is never refused). */
    void acquire(int n) {
        held.addAndGet(n);
    }

    void release(int n) {
        held.addAndGet(-n);
    }

    long held() {
        return held.get();
    }
}
