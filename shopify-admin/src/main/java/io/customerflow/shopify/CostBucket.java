package io.customerflow.shopify;

import java.time.Duration;

/**
 * Client-side model of one shop's GraphQL cost bucket (a leaky bucket of query cost). Filled from each response's
 * {@code extensions.cost.throttleStatus}, so the plan's real size and restore rate are used, never a guess; until
 * the first answer nothing is known and nothing is held back.
 */
final class CostBucket {

    private double available = Double.NaN;
    /**
     * Cost reserved by calls that Shopify has not answered yet. Shopify's reported level doesn't count them (a call
     * still waiting for its slot, or in flight), so each answer's level is taken net of them: without it, concurrent
     * callers of one shop (tagging's lanes per customer) would spend the same points twice and be THROTTLED.
     */
    private double inFlight;
    private double maximum;
    private double restoreRate;
    private long observedAtNanos;

    /**
     * How long to wait before a call of this cost fits in the bucket (zero when it fits now); reserves the cost.
     *
     * @param keepShare share of the bucket's maximum this call must leave for others (0 for tagging's writes; the
     *                  reconciler leaves room so that live tagging of the same shop never finds the bucket empty)
     */
    synchronized Duration waitFor(int cost, double keepShare, long nowNanos) {
        inFlight += cost; // settled by the answer (observe) or by the call's failure (release)
        if (Double.isNaN(available) || restoreRate <= 0) {
            return Duration.ZERO;
        }
        Duration wait = estimate(needed(cost, keepShare), nowNanos);
        // Reserve it, so concurrent calls of this shop queue up behind each other.
        available = availableAt(nowNanos) - cost;
        observedAtNanos = nowNanos;
        return wait;
    }

    /** How long until a call of this cost would fit, without reserving anything. */
    synchronized Duration estimate(double cost, long nowNanos) {
        if (Double.isNaN(available) || restoreRate <= 0) {
            return Duration.ZERO;
        }
        double missing = cost - availableAt(nowNanos);
        return missing <= 0 ? Duration.ZERO : Duration.ofNanos((long) (missing / restoreRate * 1_000_000_000L));
    }

    /** Nanoseconds since Shopify last reported the bucket (Long.MAX_VALUE before the first answer). */
    synchronized long observedAgo(long nowNanos) {
        return Double.isNaN(available) ? Long.MAX_VALUE : nowNanos - observedAtNanos;
    }

    /** Share-aware estimate: how long until a call of this cost fits and leaves {@code keepShare} of the bucket. */
    synchronized Duration estimate(int cost, double keepShare, long nowNanos) {
        if (Double.isNaN(available) || restoreRate <= 0) {
            return Duration.ZERO;
        }
        return estimate(needed(cost, keepShare), nowNanos);
    }

    /** The call's cost plus the share to leave, never more than the bucket holds (else it would never fit). */
    private double needed(int cost, double keepShare) {
        return Math.min(maximum, cost + keepShare * maximum);
    }

    /**
     * What Shopify says is left after a call that had reserved {@code settledCost} (0 for a call that reserved
     * nothing): the level, less what other calls reserved and Shopify hasn't answered yet.
     */
    synchronized void observe(double currentlyAvailable, double maximumAvailable, double restorePerSecond,
            int settledCost, long nowNanos) {
        inFlight = Math.max(0, inFlight - settledCost);
        this.available = currentlyAvailable - inFlight;
        this.maximum = maximumAvailable;
        this.restoreRate = restorePerSecond;
        this.observedAtNanos = nowNanos;
    }

    /** A reserving call ended without an answer carrying the bucket (network error, 5xx): no longer in flight. */
    synchronized void release(int cost) {
        inFlight = Math.max(0, inFlight - cost);
    }

    private double availableAt(long nowNanos) {
        double refill = (nowNanos - observedAtNanos) / 1e9 * restoreRate;
        return Math.min(maximum, available + refill);
    }
}
