package io.customerflow.events;

/** Default Kafka topic names of the contract (docs/DESIGN-NOTES.md, "Event contract"). Deployments may rename them in config. */
public final class Topics {

    /** Order created / updated / cancelled, keyed {@code {shop}/{customer id or email}}. */
    public static final String ORDERS = "orders.v1";

    /** Bookings of both channels and privacy requests, keyed {@code {shop}/{normalized email}}. */
    public static final String CUSTOMER_EVENTS = "customer-events.v1";

    private Topics() {
    }

    /** The dead-letter topic of one consumer service, e.g. {@code customer-store.dlq.v1}. */
    public static String deadLetter(String consumer) {
        return consumer + ".dlq.v1";
    }
}
