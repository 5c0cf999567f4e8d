package io.customerflow.klaviyo.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Klaviyo's per-endpoint limits as two sliding windows (burst per second, steady per minute). Each call reserves
 * the earliest start time that keeps both windows within the limit; calls are never started earlier. A
 * {@linkplain #spaced spaced} limiter also keeps its starts at least a minute / steady apart: its minute is spread
 * evenly instead of spent in a burst and then waited out.
 */
public final class RateLimiter {

    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    private final int burstPerSecond;
    private final int steadyPerMinute;
    /** Least nanos between two starts (0: none). */
    private final long spacing;
    private final Deque<Long> starts = new ArrayDeque<>();
    /** Klaviyo said 429 with Retry-After: nothing of this key and endpoint starts before this (nanos). */
    private long blockedUntil = Long.MIN_VALUE;

    public RateLimiter(int burstPerSecond, int steadyPerMinute) {
        this(burstPerSecond, steadyPerMinute, false);
    }

    private RateLimiter(int burstPerSecond, int steadyPerMinute, boolean spaced) {
        this.burstPerSecond = Math.max(1, burstPerSecond);
        this.steadyPerMinute = Math.max(1, steadyPerMinute);
        this.spacing = spaced ? MINUTE / this.steadyPerMinute : 0;
    }

    /** Scaled limits, e.g. 95 % of the published ones. */
    public static RateLimiter of(int burstPerSecond, int steadyPerMinute, double share) {
        return new RateLimiter((int) Math.floor(burstPerSecond * share), (int) Math.floor(steadyPerMinute * share));
    }

    /** Scaled limits whose starts are at least a minute / steady apart. */
    public static RateLimiter spaced(int burstPerSecond, int steadyPerMinute, double share) {
        return new RateLimiter((int) Math.floor(burstPerSecond * share), (int) Math.floor(steadyPerMinute * share),
                true);
    }

    /** Reserves a start time; returns how long to wait until it. */
    public synchronized Duration reserve(long nowNanos) {
        long start = earliest(nowNanos);
        starts.addLast(start);
        return Duration.ofNanos(start - nowNanos);
    }

    /** How long a call reserving now would wait (reserves nothing). */
    public synchronized Duration waitFor(long nowNanos) {
        return Duration.ofNanos(earliest(nowNanos) - nowNanos);
    }

    private long earliest(long nowNanos) {
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
        if (spacing > 0 && !starts.isEmpty()) {
            start = Math.max(start, starts.peekLast() + spacing);
        }
        return start;
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
