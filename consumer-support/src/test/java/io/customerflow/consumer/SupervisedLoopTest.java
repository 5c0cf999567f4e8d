package io.customerflow.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class SupervisedLoopTest {

    @Test
    void aFailingBodyIsRestartedAndIsDownUntilItWorksAgain() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch failedOnce = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch working = new CountDownLatch(1);
        try (SupervisedLoop loop = new SupervisedLoop("test-reader", registry, l -> {
            if (runs.incrementAndGet() == 1) {
                failedOnce.countDown();
                throw new IllegalStateException("Kafka timed out");
            }
            release.await();
            l.up();
            working.countDown();
            while (l.running()) {
                Thread.sleep(10); // stands for a Kafka poll: a body checks running() between short steps
            }
        }).start()) {
            assertTrue(failedOnce.await(5, TimeUnit.SECONDS));
            // Down from the failure until the body says it works again (its backoff is at least a second).
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(1)).until(() -> !loop.isUp());
            assertFalse(SupervisedLoopsCheck.allUp());
            assertTrue(SupervisedLoopsCheck.states().get("test-reader").startsWith("down (1 restarts, last "
                    + "IllegalStateException"), SupervisedLoopsCheck.states().toString());
            assertEquals(0.0, registry.get("background.up").tag("loop", "test-reader").gauge().value());
            release.countDown();
            assertTrue(working.await(40, TimeUnit.SECONDS));
            assertTrue(loop.isUp());
            assertEquals(2, runs.get());
            assertEquals(1.0, registry.get("background.restarts").tag("loop", "test-reader").counter().count());
        }
        assertFalse(SupervisedLoop.all().stream().anyMatch(l -> l.name().equals("test-reader")));
    }
}
