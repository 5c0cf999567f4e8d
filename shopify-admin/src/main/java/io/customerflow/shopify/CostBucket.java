package io.customerflow.shopify;

import java.time.Duration;

/**
 * Client-side model of one shop's GraphQL cost bucket (a leaky bucket of query cost). Filled from each response's
 * {@code extensions.cost.throttleStatus}, so the plan's real size and restore rate are used, never a guess. Until
 * the first answer nothing is known: one call goes out and the others wait for its answer ({@link #firstAnswer}),
 * so concurrent callers of a shop never start by overdrawing a bucket they know nothing of.
 */
final class CostBucket {

    private double available = Double.NaN;
    /**
     * Cost reserved by calls that Shopify has not answered yet. Shopify's reported level doesn't count them (a call
     * still waiting for its slot, or in flight), so each answer's level is taken net of them: without it, concurrent
     * callers of one shop (tagging's lanes per customer) would spend the same points twice and be THROTTLED.
     */
    private double inFlight;
    private java.util.concurrent.CompletableFuture<Void> firstAnswer;
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

    /**
     * Completes when a call may reserve: at once when the bucket is known or no call is out yet (that one goes and
     * learns it); else when the call that went out is answered (or fails).
     */
    synchronized java.util.concurrent.CompletionStage<Void> firstAnswer() {
        if (!Double.isNaN(available)) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        if (firstAnswer == null) {
            firstAnswer = new java.util.concurrent.CompletableFuture<>();
            return java.util.concurrent.CompletableFuture.completedFuture(null); // this caller goes first
        }
        return firstAnswer;
    }

    private void answered() {
        if (firstAnswer != null) {
            var waiting = firstAnswer;
            firstAnswer = null;
            waiting.complete(null);
        }
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

    /**
     * The call's cost plus the share to leave, never more than the bucket holds (else it would never fit); plus
     * what the bucket restores in {@link #MARGIN_SECONDS}, so calls that reach Shopify a few ms earlier than planned
     * (timers, network) still find their points. A level, not a rate: it costs the pace nothing.
     */
    private double needed(int cost, double keepShare) {
        return Math.min(maximum, cost + keepShare * maximum + restoreRate * MARGIN_SECONDS);
    }

    /** The jitter in arrival at Shopify that pacing absorbs. */
    static final double MARGIN_SECONDS = 0.05;

    /**
     * What Shopify says is left after a call that had reserved {@code settledCost} (0 for a call that reserved
     * nothing): the level, less what other calls reserved and Shopify hasn't answered yet. An answer only ever
     * lowers the count (other callers spent points, or more than reserved): with calls in flight at once, answers
     * overtake each other, and one Shopify counted before later calls would otherwise raise the level by their
     * costs and let the next calls overdraw. The count rises by the restore rate alone.
     */
    synchronized void observe(double currentlyAvailable, double maximumAvailable, double restorePerSecond,
            int settledCost, long nowNanos) {
        inFlight = Math.max(0, inFlight - settledCost);
        double reported = currentlyAvailable - inFlight;
        this.available = Double.isNaN(available) || restoreRate <= 0 ? reported
                : Math.min(reported, availableAt(nowNanos));
        this.maximum = maximumAvailable;
        this.restoreRate = restorePerSecond;
        this.observedAtNanos = nowNanos;
        answered();
    }

    /** A reserving call ended without an answer carrying the bucket (network error, 5xx): no longer in flight. */
    synchronized void release(int cost) {
        inFlight = Math.max(0, inFlight - cost);
        if (Double.isNaN(available)) {
            answered(); // the first call learned nothing: the next one goes and tries
        }
    }

    private double availableAt(long nowNanos) {
        double refill = (nowNanos - observedAtNanos) / 1e9 * restoreRate;
        return Math.min(maximum, available + refill);
    }
}
