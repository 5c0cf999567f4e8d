package io.customerflow.ingest.messaging;

/** The records would pass {@code ingest.delivery.max-in-flight}: refused at once (503 + Retry-After), nothing sent. */
public class OverloadedException extends PublishFailedException {

    public OverloadedException() {
        super("ingest is at capacity");
    }
}
