package io.customerflow.consumer;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The one dead-letter metric of every consumer: {@code dead.letters{consumer, reason}} (Prometheus:
 * {@code dead_letters_total}), reasons from {@link DeadLetterReason} only, so the record's content never becomes a
 * tag. Every reason is registered at zero, so a dashboard's {@code rate()} shows 0 rather than "no data" before the
 * first dead letter, and one alert rule covers all consumers.
 */
public final class DeadLetters {

    public static final String METRIC = "dead.letters";

    private final Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);

    /** @param consumer the consumer's name, as in its dead-letter topic ({@code <consumer>.dlq.v1}) */
    public DeadLetters(MeterRegistry registry, String consumer) {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            counters.put(reason, Counter.builder(METRIC).description("Records sent to the consumer's dead-letter topic")
                    .tag("consumer", consumer).tag("reason", reason.tag()).register(registry));
        }
    }

    public void count(DeadLetterReason reason) {
        counters.get(reason).increment();
    }
}
