package io.customerflow.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

class SaasRetriesTest {

    /** Fails with the given failures in turn, then answers "ok". */
    static final class Scripted implements SaasRetries.Client<String> {
        final List<RuntimeException> failures;
        final AtomicInteger calls = new AtomicInteger();
        final List<String> retried = new ArrayList<>();
        int attemptsAtGiveUp = -1;
        int waitsAtGiveUp = -1;

        Scripted(RuntimeException... failures) {
            this.failures = List.of(failures);
        }

        @Override
        public Uni<String> attempt() {
            int n = calls.getAndIncrement();
            return n < failures.size() ? Uni.createFrom().failure(failures.get(n)) : Uni.createFrom().item("ok");
        }

        @Override
        public SaasRetries.Decision decide(Throwable failure, int attempt) {
            if (failure instanceof IllegalStateException) {
                return SaasRetries.Decision.permanent();
            }
            if (failure instanceof UnsupportedOperationException) {
                return SaasRetries.Decision.waitFor(Duration.ofMillis(5), "throttled");
            }
            return SaasRetries.Decision.retry(SaasRetries.delay(failure, Duration.ofMillis(1), attempt,
                    Duration.ofMillis(20)), SaasRetries.describe(failure));
        }

        @Override
        public void retrying(SaasRetries.Decision decision, int attempt) {
            retried.add(decision.kind() + " " + attempt + " " + decision.cause());
        }

        @Override
        public Throwable gaveUp(Throwable last, SaasRetries.Decision decision, int attempts, int waits, Duration spent) {
            attemptsAtGiveUp = attempts;
            waitsAtGiveUp = waits;
            return new IllegalStateException("gave up: " + decision.cause());
        }
    }

    @Test
    void retriesAndWaitsUntilItWorksAndOnlyFailedAttemptsCount() {
        Scripted client = new Scripted(new SaasRetries.RetryableStatus(503, null), new UnsupportedOperationException(),
                new SaasRetries.RetryableStatus(429, Duration.ofMillis(10)));
        assertEquals("ok", SaasRetries.run(client, Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(5)));
        assertEquals(List.of("RETRY 1 HTTP 503", "WAIT 2 throttled", "RETRY 2 HTTP 429"), client.retried);
    }

    @Test
    void aPermanentFailureIsPassedOnWithoutRetry() {
        IllegalStateException permanent = new IllegalStateException("no token");
        Scripted client = new Scripted(permanent);
        Throwable failure = assertThrows(IllegalStateException.class,
                () -> SaasRetries.run(client, Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(5)));
        assertSame(permanent, failure);
        assertEquals(1, client.calls.get());
    }

    @Test
    void givesUpBeforeTheBudgetWouldBeExceeded() {
        // Retry-After of 400 ms against a budget of 300 ms: no waiting at all, the client's give-up failure at once.
        Scripted client = new Scripted(new SaasRetries.RetryableStatus(429, Duration.ofMillis(400)));
        Throwable failure = assertThrows(IllegalStateException.class,
                () -> SaasRetries.run(client, Duration.ofMillis(300)).await().atMost(Duration.ofSeconds(5)));
        assertEquals("gave up: HTTP 429", failure.getMessage());
        assertEquals(1, client.attemptsAtGiveUp);
        assertEquals(0, client.waitsAtGiveUp);
        assertTrue(client.retried.isEmpty(), "no wait that would end past the budget");
    }
}
