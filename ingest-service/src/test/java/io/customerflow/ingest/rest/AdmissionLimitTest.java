package io.customerflow.ingest.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class AdmissionLimitTest {

    private static final long TARGET = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long FAST = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SLOW = TimeUnit.SECONDS.toNanos(3);

    @Test
    void refusesPastTheLimitAndAdmitsAgainOncePlacesAreGivenBack() {
        AdmissionLimit limit = new AdmissionLimit(32, TARGET);
        for (int i = 0; i < 32; i++) {
            assertTrue(limit.tryAcquire(), "place " + i);
        }
        assertFalse(limit.tryAcquire(), "the 33rd request is refused");
        limit.release(FAST, 0);
        assertTrue(limit.tryAcquire());
        assertEquals(32, limit.inProgress());
    }

    @Test
    void slowAnswersShrinkTheLimitByAQuarterOncePerTargetPeriodNeverBelowTheMinimum() {
        AdmissionLimit limit = new AdmissionLimit(256, TARGET);
        long now = 0;
        for (int i = 0; i < 10; i++) {
            limit.tryAcquire();
        }
        for (int i = 0; i < 10; i++) { // ten slow answers within one period: one decrease
            limit.release(SLOW, now + i);
        }
        assertEquals(192, limit.limit());
        now += TARGET;
        limit.tryAcquire();
        limit.release(SLOW, now);
        assertEquals(144, limit.limit());
        for (int i = 0; i < 40; i++) {
            now += TARGET;
            limit.tryAcquire();
            limit.release(SLOW, now);
        }
        assertEquals(AdmissionLimit.MIN, limit.limit());
        for (int i = 0; i < AdmissionLimit.MIN; i++) {
            assertTrue(limit.tryAcquire(), "the minimum stays open: " + i);
        }
        assertFalse(limit.tryAcquire());
    }

    @Test
    void fastAnswersGrowTheLimitByOnePerLimitsWorthOnlyWhileItIsInUseUpToTheMaximum() {
        AdmissionLimit limit = new AdmissionLimit(64, TARGET);
        shrink(limit);
        int shrunk = limit.limit();
        assertEquals(48, shrunk);

        // One request at a time: the limit is not in use, so it stays.
        for (int i = 0; i < 100; i++) {
            limit.tryAcquire();
            limit.release(FAST, 0);
        }
        assertEquals(shrunk, limit.limit());

        // Busy (at least half the limit in progress) and fast: one more place per limit's worth of answers (a round
        // trip), not per answer, up to the maximum.
        fill(limit);
        for (int i = 1; i < shrunk; i++) {
            limit.release(FAST, 0);
            fill(limit);
        }
        assertEquals(shrunk, limit.limit(), "one answer short of a round trip");
        limit.release(FAST, 0);
        assertEquals(shrunk + 1, limit.limit());
        int answers = 0;
        while (limit.limit() < 64) {
            fill(limit);
            limit.release(FAST, 0);
            answers++;
        }
        // 49 + 50 + ... + 63 answers for the remaining 15 places.
        assertEquals((49 + 63) * 15 / 2, answers);
        fill(limit);
        limit.release(FAST, 0);
        assertEquals(64, limit.limit(), "never past the maximum");
    }

    @Test
    void aCutStartsTheCountTowardsTheNextPlaceAgain() {
        AdmissionLimit limit = new AdmissionLimit(64, TARGET);
        shrink(limit);
        fill(limit);
        for (int i = 1; i < 48; i++) {
            limit.release(FAST, 0);
            fill(limit);
        }
        limit.release(SLOW, TARGET);
        assertEquals(36, limit.limit());
        fill(limit);
        limit.release(FAST, TARGET);
        assertEquals(36, limit.limit(), "the answers before the cut no longer count");
    }

    private static void fill(AdmissionLimit limit) {
        while (limit.tryAcquire()) {
            // hold every free place: the limit is in use
        }
    }

    private static void shrink(AdmissionLimit limit) {
        limit.tryAcquire();
        limit.release(SLOW, 0);
    }
}
