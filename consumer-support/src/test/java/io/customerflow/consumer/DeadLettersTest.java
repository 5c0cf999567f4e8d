package io.customerflow.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class DeadLettersTest {

    @Test
    void everyReasonIsThereAtZeroAndCountsOnlyItself() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeadLetters deadLetters = new DeadLetters(registry, "tagging");
        assertEquals(DeadLetterReason.values().length, registry.find(DeadLetters.METRIC).tag("consumer", "tagging")
                .counters().size());

        deadLetters.count(DeadLetterReason.NO_CREDENTIALS);
        deadLetters.count(DeadLetterReason.NO_CREDENTIALS);

        assertEquals(2.0, registry.get(DeadLetters.METRIC).tag("reason", "no_credentials").counter().count());
        assertEquals(0.0, registry.get(DeadLetters.METRIC).tag("reason", "gave_up").counter().count());
    }
}
