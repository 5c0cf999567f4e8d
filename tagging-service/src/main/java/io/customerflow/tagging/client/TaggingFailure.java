package io.customerflow.tagging.client;

/**
 * A call that will never succeed as it is (no token, uninstalled shop, {@code userErrors}, retries exhausted):
 * the event is dead-lettered with this message as the reason, and can be replayed once the cause is fixed.
 */
public class TaggingFailure extends RuntimeException {

    public TaggingFailure(String message) {
        super(message);
    }
}
