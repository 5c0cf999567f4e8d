package io.customerflow.ingest.messaging;

/** Kafka did not acknowledge in time or refused: the request must not be acknowledged (503 + Retry-After). */
public class PublishFailedException extends RuntimeException {

    public PublishFailedException(String message) {
        super(message);
    }

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
