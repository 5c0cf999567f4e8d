package io.customerflow.tagging.client;

import java.time.Duration;

/**
 * Client-side model of one shop's GraphQL cost bucket (a leaky bucket of query cost). Filled from each response's
 * {@code extensions.cost.throttleStatus}, so the plan's real size and restore rate are used, never a guess; until
 * the first answer nothing is known and nothing is held back.
 */
final class CostBucket {

    private double available = Double.NaN;
    private double maximum;
    private double restoreRate;
    private long observedAtNanos;

    /** How long to wait before a call of this cost fits in the bucket (zero when it fits now). */
    synchronized Duration waitFor(int cost, long nowNanos) {
        if (Double.isNaN(available) || restoreRate <= 0) {
            return Duration.ZERO;
        }
        double now = availableAt(nowNanos);
        if (now >= cost) {
            available = now - cost; // reserve it, so concurrent calls of this shop queue up behind each other
            observedAtNanos = nowNanos;
            return Duration.ZERO;
        }
        double seconds = (cost - now) / restoreRate;
        available = now - cost;
        observedAtNanos = nowNanos;
        return Duration.ofNanos((long) (seconds * 1_000_000_000L));
    }

    /** What Shopify says is left after a call. */
    synchronized void observe(double currentlyAvailable, double maximumAvailable, double restorePerSecond, long nowNanos) {
        this.available = currentlyAvailable;
        this.maximum = maximumAvailable;
        this.restoreRate = restorePerSecond;
        this.observedAtNanos = nowNanos;
    }

    private double availableAt(long nowNanos) {
        double refill = (nowNanos - observedAtNanos) / 1e9 * restoreRate;
        return Math.min(maximum, available + refill);
    }
}
