package io.customerflow.store.messaging;

/** Channel names, shared by code, {@code application.properties} and tests. */
public final class Channels {

    /** ← {@code customer-events.v1}, consumer group {@code customer-store}. */
    public static final String CUSTOMER_EVENTS_IN = "customer-events-in";

    /** Dead letters of this service. */
    public static final String DEAD_LETTER_TOPIC = "customer-store.dlq.v1";

    private Channels() {
    }
}
