package io.customerflow.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every event type of the contract: its CloudEvents {@code ce_type}, the topic it travels on, the record
 * its data binds to, and the JSON Schema file (under {@code /events/schemas/}) that data must satisfy.
 */
public enum EventType {
    ORDER_CREATED("io.customerflow.order.created.v1", Topics.ORDERS, OrderEvent.class, "order"),
    ORDER_UPDATED("io.customerflow.order.updated.v1", Topics.ORDERS, OrderEvent.class, "order"),
    ORDER_CANCELLED("io.customerflow.order.cancelled.v1", Topics.ORDERS, OrderEvent.class, "order"),
    BOOKING_CONFIRMED("io.customerflow.booking.confirmed.v1", Topics.CUSTOMER_EVENTS, BookingEvent.class, "booking"),
    BOOKING_RESCHEDULED("io.customerflow.booking.rescheduled.v1", Topics.CUSTOMER_EVENTS, BookingEvent.class,
            "booking"),
    BOOKING_CANCELLED("io.customerflow.booking.cancelled.v1", Topics.CUSTOMER_EVENTS, BookingEvent.class, "booking"),
    /** The appointment took place (reported by the booking app after the visit). */
    BOOKING_COMPLETED("io.customerflow.booking.completed.v1", Topics.CUSTOMER_EVENTS, BookingEvent.class, "booking"),
    /** The customer did not come (reported by the booking app). */
    BOOKING_NO_SHOW("io.customerflow.booking.no-show.v1", Topics.CUSTOMER_EVENTS, BookingEvent.class, "booking"),
    CUSTOMER_REDACT_REQUESTED("io.customerflow.customer.redact-requested.v1", Topics.CUSTOMER_EVENTS,
            CustomerRedactRequested.class, "customer-redact-requested"),
    CUSTOMER_DATA_REQUESTED("io.customerflow.customer.data-requested.v1", Topics.CUSTOMER_EVENTS,
            CustomerDataRequested.class, "customer-data-requested"),
    SHOP_REDACT_REQUESTED("io.customerflow.shop.redact-requested.v1", Topics.CUSTOMER_EVENTS,
            ShopRedactRequested.class, "shop-redact-requested"),
    /** Published on both topics: every consumer must learn that a shop's token stopped working. */
    APP_UNINSTALLED("io.customerflow.shop.app-uninstalled.v1", Topics.CUSTOMER_EVENTS, AppUninstalled.class,
            "app-uninstalled");

    private final String ceType;
    private final String topic;
    private final Class<?> dataClass;
    private final String schemaName;

    EventType(String ceType, String topic, Class<?> dataClass, String schemaName) {
        this.ceType = ceType;
        this.topic = topic;
        this.dataClass = dataClass;
        this.schemaName = schemaName;
    }

    public String ceType() {
        return ceType;
    }

    /** The default topic (see {@link Topics}). */
    public String topic() {
        return topic;
    }

    public Class<?> dataClass() {
        return dataClass;
    }

    /** Classpath resource of the JSON Schema of this type's data. */
    public String schemaResource() {
        return "/events/schemas/" + schemaName + ".schema.json";
    }

    /** Classpath resource of this type's golden sample data, which every producer and consumer test may use. */
    public String sampleResource() {
        return "/events/samples/" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ".json";
    }

    /** A step of a booking's life (booked, moved, cancelled, completed, missed): data is a {@link BookingEvent}. */
    public boolean isBookingStep() {
        return dataClass == BookingEvent.class;
    }

    public static Optional<EventType> fromCeType(String ceType) {
        return Arrays.stream(values()).filter(t -> t.ceType.equals(ceType)).findFirst();
    }
}
