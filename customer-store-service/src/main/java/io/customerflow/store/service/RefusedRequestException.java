package io.customerflow.store.service;

import io.customerflow.consumer.DeadLetterReason;

/** A request the store will not carry out as it stands (e.g. shop/redact for a shop that is still installed). */
public class RefusedRequestException extends RuntimeException implements DeadLetterReason.Known {

    public RefusedRequestException(String message) {
        super(message);
    }

    @Override
    public DeadLetterReason reason() {
        return DeadLetterReason.REJECTED;
    }
}
