package io.customerflow.shopify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CostBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void nothingIsHeldBackUntilShopifyReportedTheBucket() {
        CostBucket bucket = new CostBucket();
        assertEquals(Duration.ZERO, bucket.waitFor(500, 0.25, 0));
        assertEquals(Long.MAX_VALUE, bucket.observedAgo(0));
    }

    @Test
    void aCallWaitsUntilTheRestoreRateRefilledItsCostAndReservesIt() {
        CostBucket bucket = new CostBucket();
        bucket.observe(40, 1000, 100, 0, 0);
        assertEquals(Duration.ofMillis(650), bucket.waitFor(100, 0, 0), "60 points missing at 100/s, + 50 ms margin");
        assertEquals(Duration.ofMillis(1650), bucket.waitFor(100, 0, 0), "the first call's cost is reserved");
        assertEquals(Duration.ofSeconds(2), Duration.ofNanos(bucket.observedAgo(2 * SECOND)));
    }

    @Test
    void aYieldingCallerLeavesItsShareOfTheBucket() {
        CostBucket bucket = new CostBucket();
        bucket.observe(250, 1000, 100, 0, 0);
        assertEquals(Duration.ZERO, bucket.estimate(50, 0, 0), "tagging: 50 fits in 250");
        assertEquals(Duration.ofMillis(550), bucket.estimate(50, 0.25, 0), "the reconciler: 50 + 250 to leave, + 50 ms");
    }

    @Test
    void aCallCostingMoreThanTheBucketWaitsForAFullBucketNotForever() {
        CostBucket bucket = new CostBucket();
        bucket.observe(0, 400, 100, 0, 0);
        Duration wait = bucket.estimate(600, 0.25, 0);
        assertEquals(Duration.ofSeconds(4), wait, "needs the whole 400, not 600 + 100");
        assertTrue(bucket.estimate(600, 0.25, 4 * SECOND).isZero());
    }

    /** Concurrent callers of one shop: an answer's level doesn't count the calls still on their way, the bucket does. */
    @Test
    void anAnswerIsTakenNetOfTheCallsStillInFlight() {
        CostBucket bucket = new CostBucket();
        bucket.observe(100, 1000, 50, 0, 0);
        assertEquals(Duration.ZERO, bucket.waitFor(10, 0, 0), "a");
        assertEquals(Duration.ZERO, bucket.waitFor(10, 0, 0), "b");
        bucket.observe(90, 1000, 50, 10, 0); // a's answer: Shopify spent a's 10, b not yet
        assertEquals(Duration.ofMillis(200), bucket.estimate(90.0, 0), "80 left once b lands: 10 missing at 50/s");
        bucket.release(10); // b failed without an answer: no longer in flight, its points counted as spent
        bucket.observe(90, 1000, 50, 0, 0);
        assertEquals(Duration.ofMillis(200), bucket.estimate(90.0, 0), "an answer never raises the count");
        assertEquals(Duration.ZERO, bucket.estimate(90.0, SECOND / 5), "the restore does");
    }

    /**
     * Answers overtaking each other: one Shopify counted before a later call's would raise the level by that call's
     * cost; the count only goes down on an answer (and up with the restore), so the next call never overdraws.
     */
    @Test
    void anAnswerThatOvertookAnotherNeverRaisesTheCount() {
        CostBucket bucket = new CostBucket();
        bucket.observe(100, 1000, 50, 0, 0);
        bucket.waitFor(10, 0, 0); // a
        bucket.waitFor(10, 0, 0); // b
        bucket.observe(80, 1000, 50, 10, 0); // b's answer first: Shopify spent a's and b's 10
        bucket.observe(90, 1000, 50, 10, 0); // then a's, counted before b: 90 is old news
        assertTrue(bucket.estimate(90.0, 0).compareTo(Duration.ofMillis(200)) >= 0,
                "at most the 80 left, never 90: " + bucket.estimate(90.0, 0));
        bucket.observe(50, 1000, 50, 0, 0); // another caller spent points meanwhile: taken at once
        assertEquals(Duration.ofMillis(800), bucket.estimate(90.0, 0), "40 missing at 50/s");
    }
}
