package io.customerflow.klaviyo.client;

/**
 * A request Klaviyo will never accept as it is (validation error, rejected key, unknown account) or one that kept
 * failing: the event is dead-lettered with this message, which carries Klaviyo's error detail.
 */
public class KlaviyoFailure extends RuntimeException {

    private final int status;

    public KlaviyoFailure(String message, int status) {
        super(message);
        this.status = status;
    }

    /** Klaviyo's HTTP status, or 0 when none (e.g. retries exhausted on timeouts). */
    public int status() {
        return status;
    }
}
