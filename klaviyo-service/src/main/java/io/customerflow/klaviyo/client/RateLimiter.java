package io.customerflow.klaviyo.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Klaviyo's per-endpoint limits as two sliding windows (burst per second, steady per minute). Each call reserves
 * the earliest start time that keeps both windows within the limit; calls are never started earlier.
 */
public final class RateLimiter {

    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    private final int burstPerSecond;
    private final int steadyPerMinute;
    private final Deque<Long> starts = new ArrayDeque<>();
    /** Klaviyo said 429 with Retry-After: nothing of this key and endpoint starts before this (nanos). */
    private long blockedUntil = Long.MIN_VALUE;

    public RateLimiter(int burstPerSecond, int steadyPerMinute) {
        this.burstPerSecond = Math.max(1, burstPerSecond);
        this.steadyPerMinute = Math.max(1, steadyPerMinute);
    }

    /** Scaled limits, e.g. 95 % of the published ones. */
    public static RateLimiter of(int burstPerSecond, int steadyPerMinute, double share) {
        return new RateLimiter((int) Math.floor(burstPerSecond * share), (int) Math.floor(steadyPerMinute * share));
    }

    /** Reserves a start time; returns how long to wait until it. */
    public synchronized Duration reserve(long nowNanos) {
        while (!starts.isEmpty() && nowNanos - starts.peekFirst() >= MINUTE) {
            starts.pollFirst();
        }
        long start = Math.max(nowNanos, blockedUntil);
        if (starts.size() >= steadyPerMinute) {
            start = Math.max(start, nth(starts.size() - steadyPerMinute) + MINUTE);
        }
        if (starts.size() >= burstPerSecond) {
            start = Math.max(start, nth(starts.size() - burstPerSecond) + SECOND);
        }
        starts.addLast(start);
        return Duration.ofNanos(start - nowNanos);
    }

    /** A 429 for this account: everyone waits until {@code untilNanos}, not only the call that got it. */
    public synchronized void blockUntil(long untilNanos) {
        if (blockedUntil == Long.MIN_VALUE || untilNanos - blockedUntil > 0) {
            blockedUntil = untilNanos;
        }
    }

    /** How long a call reserved before a 429 must still wait before it may start (zero when not blocked). */
    public synchronized Duration blockedFor(long nowNanos) {
        return blockedUntil == Long.MIN_VALUE || blockedUntil - nowNanos <= 0 ? Duration.ZERO
                : Duration.ofNanos(blockedUntil - nowNanos);
    }

    /**
     * The starts of the last minute as epoch milliseconds: what another replica taking this account over must count
     * as spent. Slots reserved for later are left out: the calls holding them are cancelled at a handover, never sent.
     */
    public synchronized java.util.List<Long> recentStarts(long nowNanos, long nowEpochMillis) {
        java.util.List<Long> recent = new java.util.ArrayList<>(starts.size());
        for (long t : starts) {
            if (nowNanos - t < MINUTE && t - nowNanos <= 0) {
                recent.add(nowEpochMillis + (t - nowNanos) / 1_000_000L);
            }
        }
        return recent;
    }

    /** Counts another replica's starts (epoch milliseconds) as this limiter's own. */
    public synchronized void seed(java.util.Collection<Long> epochMillis, long nowNanos, long nowEpochMillis) {
        java.util.List<Long> merged = new java.util.ArrayList<>(starts);
        for (long ms : epochMillis) {
            merged.add(nowNanos + (ms - nowEpochMillis) * 1_000_000L);
        }
        merged.sort(null);
        starts.clear();
        starts.addAll(merged);
    }

    private long nth(int index) {
        int i = 0;
        for (long t : starts) {
            if (i++ == index) {
                return t;
            }
        }
        throw new IllegalStateException("index " + index);
    }
}
