package io.customerflow.ingest.messaging;

/** Channel names, shared by code, {@code application.properties} and tests. */
public final class Channels {

    /** → {@code orders.v1}. */
    public static final String ORDERS_OUT = "orders-out";

    /** → {@code customer-events.v1}. */
    public static final String CUSTOMER_EVENTS_OUT = "customer-events-out";

    /** ← {@code orders.v1}, consumer group {@code ingest-booking-lookups}: webhooks' orders whose products need a look-up. */
    public static final String ORDERS_IN = "orders-in";

    /** Dead letters of this service (look-ups that could never succeed, records it can't read). */
    public static final String DEAD_LETTER_TOPIC = "ingest.dlq.v1";

    private Channels() {
    }
}
