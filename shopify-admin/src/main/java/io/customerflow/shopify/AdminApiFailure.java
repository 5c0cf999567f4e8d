package io.customerflow.shopify;

import io.customerflow.consumer.DeadLetterReason;

/**
 * A Shopify Admin call that will never succeed as it is (no token, uninstalled shop, 401/403, {@code userErrors},
 * GraphQL errors, retries exhausted). A consumer dead-letters its event with this message as the reason; the
 * reconciler counts {@link #reason()} and skips or retries the page later.
 */
public class AdminApiFailure extends RuntimeException implements DeadLetterReason.Known {

    private final DeadLetterReason reason;

    public AdminApiFailure(DeadLetterReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why, in the consumers' shared words: the {@code reason} of the dead-letter metric (the message names the shop). */
    @Override
    public DeadLetterReason reason() {
        return reason;
    }
}
