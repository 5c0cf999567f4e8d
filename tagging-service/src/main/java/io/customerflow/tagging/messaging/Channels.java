package io.customerflow.tagging.messaging;

/** Channel names, shared by code, {@code application.properties} and tests. */
public final class Channels {

    /** ← {@code orders.v1}, consumer group {@code tagging}. */
    public static final String ORDERS_IN = "orders-in";

    /** ← {@code customer-events.v1} (booking steps of both channels), consumer group {@code tagging-bookings}. */
    public static final String CUSTOMER_EVENTS_IN = "customer-events-in";

    /** Dead letters of this service. */
    public static final String DEAD_LETTER_TOPIC = "tagging.dlq.v1";

    private Channels() {
    }
}
