package io.customerflow.consumer;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * The one dead-letter metric of every consumer: {@code dead.letters{consumer, reason}} (Prometheus:
 * {@code dead_letters_total}), reasons from {@link DeadLetterReason} only, so the record's content never becomes a
 * tag. Every reason is registered at zero, so a dashboard's {@code rate()} shows 0 rather than "no data" before the
 * first dead letter, and one alert rule covers all consumers.
 */
public final class DeadLetters {

    public static final String METRIC = "dead.letters";

    /** The dead letter's header naming its {@link DeadLetterReason} word, e.g. {@code rejected}. */
    public static final String REASON_WORD_HEADER = "dead-letter-reason-word";

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

    /**
     * Counts the dead letter and nacks the record to its channel's dead-letter topic, with the reason word
     * ({@link DeadLetterReason#tag()}) as the header {@value #REASON_WORD_HEADER} beside the connector's
     * {@code dead-letter-reason} (the failure's message): the console explains the word in the operator's language.
     */
    public CompletionStage<Void> nack(Message<?> message, DeadLetterReason reason, Throwable failure) {
        count(reason);
        return message.nack(failure, Metadata.of(OutgoingKafkaRecordMetadata.builder().withHeaders(List.of(
                new RecordHeader(REASON_WORD_HEADER, reason.tag().getBytes(StandardCharsets.UTF_8)))).build()));
    }

    /** The same, with the failure's own reason ({@link DeadLetterReason#of}). */
    public CompletionStage<Void> nack(Message<?> message, Throwable failure) {
        return nack(message, DeadLetterReason.of(failure), failure);
    }
}
