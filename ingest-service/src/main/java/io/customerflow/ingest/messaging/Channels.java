package io.customerflow.ingest.messaging;

/** Channel names, shared by code, {@code application.properties} and tests. */
public final class Channels {

    /** → {@code orders.v1}. */
    public static final String ORDERS_OUT = "orders-out";

    /** → {@code customer-events.v1}. */
    public static final String CUSTOMER_EVENTS_OUT = "customer-events-out";

    /** ← {@code orders.v1}, consumer group {@code ingest-booking-lookups}: webhooks' orders whose products need a look-up. */
    public static final String ORDERS_IN = "orders-in";

    /** ← {@value #SHOP_COMMANDS_TOPIC}, consumer group {@code ingest-shop-commands}: the console's requests. */
    public static final String SHOP_COMMANDS_IN = "shop-commands-in";

    /** The console's requests for work on a shop (shop-registry.commands-topic). */
    public static final String SHOP_COMMANDS_TOPIC = "shops.commands.v1";

    /** Dead letters of this service (look-ups that could never succeed, records it can't read). */
    public static final String DEAD_LETTER_TOPIC = "ingest.dlq.v1";

    private Channels() {
    }
}
