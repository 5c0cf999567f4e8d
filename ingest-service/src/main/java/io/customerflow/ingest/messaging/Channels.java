package io.customerflow.ingest.messaging;

/** Outgoing channel names, shared by code, {@code application.properties} and tests. */
public final class Channels {

    /** → {@code orders.v1}. */
    public static final String ORDERS_OUT = "orders-out";

    /** → {@code customer-events.v1}. */
    public static final String CUSTOMER_EVENTS_OUT = "customer-events-out";

    private Channels() {
    }
}
