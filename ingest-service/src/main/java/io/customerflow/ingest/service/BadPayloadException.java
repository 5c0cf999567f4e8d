package io.customerflow.ingest.service;

/** Input that can never be processed: answered 400 with this message, nothing published. */
public class BadPayloadException extends RuntimeException {

    public BadPayloadException(String message) {
        super(message);
    }
}
