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
    void fastAnswersGrowTheLimitByOneOnlyWhileItIsInUseUpToTheMaximum() {
        AdmissionLimit limit = new AdmissionLimit(64, TARGET);
        shrink(limit);
        int shrunk = limit.limit();
        assertTrue(shrunk < 64);

        // One request at a time: the limit is not in use, so it stays.
        for (int i = 0; i < 100; i++) {
            limit.tryAcquire();
            limit.release(FAST, 0);
        }
        assertEquals(shrunk, limit.limit());

        // Busy (at least half the limit in progress) and fast: one more place per answer, up to the maximum.
        int held = 0;
        while (limit.tryAcquire()) {
            held++;
        }
        limit.release(FAST, 0);
        assertEquals(shrunk + 1, limit.limit());
        for (int i = 0; i < 200; i++) {
            while (limit.tryAcquire()) {
                held++;
            }
            limit.release(FAST, 0);
        }
        assertEquals(64, limit.limit());
        assertTrue(held > 64);
    }

    private static void shrink(AdmissionLimit limit) {
        limit.tryAcquire();
        limit.release(SLOW, 0);
    }
}
