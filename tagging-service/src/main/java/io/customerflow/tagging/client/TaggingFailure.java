package io.customerflow.tagging.client;

import java.util.Locale;

/**
 * A call that will never succeed as it is (no token, uninstalled shop, {@code userErrors}, retries exhausted):
 * the event is dead-lettered with this message as the reason, and can be replayed once the cause is fixed.
 */
public class TaggingFailure extends RuntimeException {

    /** Why, in a few fixed words: the {@code reason} of the dead-letter metric (the message names the shop). */
    public enum Reason {
        NO_TOKEN, UNINSTALLED, UNAUTHORIZED, UNKNOWN_SHOP, USER_ERRORS, GRAPHQL_ERRORS, HTTP_STATUS, UNAVAILABLE,
        THROTTLED;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public TaggingFailure(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
