package io.customerflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The figures in BENCHMARKS.md are these summaries: nearest-rank percentiles and medians. */
class StatsTest {

    @Test
    void percentilesAreNearestRankInMilliseconds() {
        Stats stats = new Stats();
        for (int i = 100; i >= 1; i--) { // added out of order, as concurrent senders do
            stats.add(i * 1000L);
        }
        assertEquals(100, stats.count());
        assertEquals(50.0, stats.percentileMs(0.50));
        assertEquals(99.0, stats.percentileMs(0.99));
        assertEquals(100.0, stats.maxMs());
        assertEquals(1.0, stats.percentileMs(0.0));
    }

    @Test
    void growsPastItsFirstArrayAndSummarizesNothingAsNaN() {
        Stats stats = new Stats();
        assertTrue(Double.isNaN(stats.percentileMs(0.5)));
        for (int i = 0; i < 5000; i++) {
            stats.add(7);
        }
        stats.add(9_000_000);
        assertEquals(5001, stats.count());
        assertEquals(0.007, stats.percentileMs(0.99));
        assertEquals(9000.0, stats.maxMs());
    }

    @Test
    void medianOfSeveralRuns() {
        assertEquals(2.0, Stats.median(3.0, 1.0, 2.0));
        assertEquals(5.0, Stats.median(9.0, 5.0, 1.0, 7.0, 2.0));
    }
}
