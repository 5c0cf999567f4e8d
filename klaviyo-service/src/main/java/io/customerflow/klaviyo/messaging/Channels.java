package io.customerflow.klaviyo.messaging;

/** Channel names, shared by code, {@code application.properties} and tests. */
public final class Channels {

    /** ← {@code customer-events.v1}, consumer group {@code klaviyo}. */
    public static final String CUSTOMER_EVENTS_IN = "customer-events-in";

    /** Dead letters of this service. */
    public static final String DEAD_LETTER_TOPIC = "klaviyo.dlq.v1";

    private Channels() {
    }
}
