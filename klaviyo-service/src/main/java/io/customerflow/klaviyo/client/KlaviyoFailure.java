package io.customerflow.klaviyo.client;

import java.util.List;

import io.customerflow.consumer.DeadLetterReason;

/**
 * A request Klaviyo will never accept as it is (validation error, rejected key, unknown account) or one that kept
 * failing: the event is dead-lettered with this message, which carries Klaviyo's error detail.
 */
public class KlaviyoFailure extends RuntimeException implements DeadLetterReason.Known {

    private final DeadLetterReason reason;
    private final int status;
    private final List<String> pointers;

    public KlaviyoFailure(DeadLetterReason reason, String message, int status) {
        this(reason, message, status, List.of());
    }

    public KlaviyoFailure(DeadLetterReason reason, String message, int status, List<String> pointers) {
        super(message);
        this.reason = reason;
        this.status = status;
        this.pointers = List.copyOf(pointers);
    }

    /** Why, in the consumers' shared words: the {@code reason} of the dead-letter metric. */
    @Override
    public DeadLetterReason reason() {
        return reason;
    }

    /** Klaviyo's HTTP status, or 0 when none (e.g. retries exhausted on timeouts). */
    public int status() {
        return status;
    }

    /** Whether Klaviyo's errors point only at fields whose JSON pointer ends with {@code suffix}. */
    public boolean onlyAbout(String suffix) {
        return !pointers.isEmpty() && pointers.stream().allMatch(p -> p.endsWith(suffix));
    }
}
