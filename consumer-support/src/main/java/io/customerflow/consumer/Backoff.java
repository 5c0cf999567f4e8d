package io.customerflow.consumer;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Retry delays shared by the SaaS clients: exponential backoff with jitter, and {@code Retry-After}. */
public final class Backoff {

    private Backoff() {
    }

    /** {@code base × 2^(attempt-1)} plus up to half of it again at random, at most {@code cap}. */
    public static Duration exponential(Duration base, int attempt, Duration cap) {
        long delay = base.toMillis() << Math.min(attempt - 1, 8);
        long jitter = ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        return Duration.ofMillis(Math.min(delay + jitter, cap.toMillis()));
    }

    /** A {@code Retry-After} header in seconds (fractions allowed); null when absent or not a number. */
    public static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofMillis((long) (Double.parseDouble(header.trim()) * 1000));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A delay a timer can take: Vert.x (Quarkus's scheduler for Mutiny delays) refuses a delay under 1 ms, and a wait
     * computed from a cost bucket is often a fraction of one.
     */
    public static java.time.Duration timerDelay(java.time.Duration delay) {
        java.time.Duration oneMillisecond = java.time.Duration.ofMillis(1);
        return delay.compareTo(oneMillisecond) < 0 ? oneMillisecond : delay;
    }
}
