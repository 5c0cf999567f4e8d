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
        assertEquals(Duration.ofMillis(620), bucket.waitFor(100, 0, 0), "60 points missing at 100/s, + 20 ms margin");
        assertEquals(Duration.ofMillis(1620), bucket.waitFor(100, 0, 0), "the first call's cost is reserved");
        assertEquals(Duration.ofSeconds(2), Duration.ofNanos(bucket.observedAgo(2 * SECOND)));
    }

    @Test
    void aYieldingCallerLeavesItsShareOfTheBucket() {
        CostBucket bucket = new CostBucket();
        bucket.observe(250, 1000, 100, 0, 0);
        assertEquals(Duration.ZERO, bucket.estimate(50, 0, 0), "tagging: 50 fits in 250");
        assertEquals(Duration.ofMillis(520), bucket.estimate(50, 0.25, 0), "the reconciler: 50 + 250 to leave, + 20 ms");
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
        bucket.release(10); // b failed without an answer: no longer in flight
        bucket.observe(90, 1000, 50, 0, 0);
        assertEquals(Duration.ZERO, bucket.estimate(90.0, 0));
    }

    /** Answers overtaking each other: the one to the earlier call is older news and only settles its reservation. */
    @Test
    void anAnswerToAnEarlierCallNeverRaisesTheLevelALaterAnswerSet() {
        CostBucket bucket = new CostBucket();
        bucket.observe(100, 1000, 50, 0, 0);
        bucket.waitFor(10, 0, 0); // a, sent at 1
        bucket.waitFor(10, 0, 0); // b, sent at 2
        bucket.observe(80, 1000, 50, 10, 2, 0); // b's answer first: Shopify spent a's and b's 10
        bucket.observe(90, 1000, 50, 10, 1, 0); // then a's: counted before b, not news
        assertEquals(Duration.ofMillis(200), bucket.estimate(90.0, 0), "80 left, not 90: 10 missing at 50/s");
        assertEquals(Duration.ZERO, bucket.waitFor(10, 0, 0), "and nothing is still counted in flight");
        bucket.observe(70, 1000, 50, 10, 3, 0);
        assertEquals(Duration.ofMillis(400), bucket.estimate(90.0, 0));
    }
}
