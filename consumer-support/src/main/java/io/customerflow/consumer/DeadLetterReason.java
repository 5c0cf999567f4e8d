package io.customerflow.consumer;

import java.util.Locale;

/**
 * Why a consumer dead-lettered a record, in the same few words for every consumer: the {@code reason} tag of
 * {@link DeadLetters}. The record's own dead-letter header carries the detail (which shop, which field).
 */
public enum DeadLetterReason {
    /** Not an event of the contract: unreadable bytes, an unknown type, a body its schema refuses. */
    INVALID_EVENT,
    /** The event can't be sent anywhere as configured: no token or account for its shop. */
    NO_CREDENTIALS,
    /** The event lacks what the SaaS needs (e.g. no email or phone for a Klaviyo profile). */
    MISSING_DATA,
    /** The shop uninstalled the app: its token no longer works. */
    UNINSTALLED,
    /** The SaaS refused the token or key (401/403). */
    UNAUTHORIZED,
    /** The SaaS refused the request itself (4xx validation, GraphQL {@code userErrors} or errors). */
    REJECTED,
    /** Timeouts, 429s, 5xx or throttling outlasted the retry budget ({@code give-up-after}). */
    GAVE_UP,
    /** The database refused the write for good (a constraint, a type), not a transient failure. */
    PERMANENT_SQL,
    /** Anything else: a bug to look at. */
    UNEXPECTED;

    /** A failure that knows why it dead-letters its record (a SaaS client's, a store's). */
    public interface Known {
        DeadLetterReason reason();
    }

    /** The reason of any failure: its own when it knows it, a broken contract, else {@link #UNEXPECTED}. */
    public static DeadLetterReason of(Throwable failure) {
        if (failure instanceof Known known) {
            return known.reason();
        }
        return failure instanceof io.customerflow.events.InvalidEventException ? INVALID_EVENT : UNEXPECTED;
    }

    /** The tag value, e.g. {@code no_credentials}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
