package io.customerflow.tagging.client;

import io.customerflow.consumer.DeadLetterReason;

/**
 * A call that will never succeed as it is (no token, uninstalled shop, {@code userErrors}, retries exhausted):
 * the event is dead-lettered with this message as the reason, and can be replayed once the cause is fixed.
 */
public class TaggingFailure extends RuntimeException {

    private final DeadLetterReason reason;

    public TaggingFailure(DeadLetterReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why, in the consumers' shared words: the {@code reason} of the dead-letter metric (the message names the shop). */
    public DeadLetterReason reason() {
        return reason;
    }
}
