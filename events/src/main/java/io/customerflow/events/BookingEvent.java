package io.customerflow.events;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Data of booking confirmed / rescheduled / cancelled / completed / no-show events on {@link Topics#CUSTOMER_EVENTS}, for both
 * channels.
 *
 * @param bookingId  {@code {shop}/{order id}/{line item id}} for checkout, the booking id for instant bookings
 * @param order      the Shopify order, when there is one (always for checkout)
 * @param price      null when the booking is free or the price is unknown
 * @param properties every line-item(-style) property found, as given
 * @param occurredAt when the booking step happened (booked, rescheduled, cancelled, completed, missed)
 * @param historical true when a backfill found it (see {@link OrderEvent#historical()}); null means false
 */
public record BookingEvent(String bookingId, BookingChannel channel, String shop, Customer customer,
        OrderRef order, Service service, Appointment appointment, Money price, List<Property> properties,
        OffsetDateTime occurredAt, Boolean historical) {

    public BookingEvent {
        properties = properties == null ? List.of() : List.copyOf(properties);
        historical = Boolean.TRUE.equals(historical) ? Boolean.TRUE : null;
    }

    /** A live booking step (not historical). */
    public BookingEvent(String bookingId, BookingChannel channel, String shop, Customer customer, OrderRef order,
            Service service, Appointment appointment, Money price, List<Property> properties,
            OffsetDateTime occurredAt) {
        this(bookingId, channel, shop, customer, order, service, appointment, price, properties, occurredAt, null);
    }

    /** Whether consumers must treat it as past: recorded, never firing automations. */
    public boolean markedHistorical() {
        return Boolean.TRUE.equals(historical);
    }

    /** The same booking step, marked historical. */
    public BookingEvent asHistorical() {
        return new BookingEvent(bookingId, channel, shop, customer, order, service, appointment, price, properties,
                occurredAt, Boolean.TRUE);
    }

    /** The Shopify order (and line item) a checkout booking belongs to. */
    public record OrderRef(long id, String name, Long lineItemId) {
    }

    /** The booked service: a Shopify product/variant for checkout, the client's service for instant bookings. */
    public record Service(String id, Long productId, Long variantId, String title, String variantTitle, String sku) {
    }

    /**
     * When and where. {@code date}, {@code time} are as the storefront wrote them (localized text);
     * {@code start} is set when known precisely (instant bookings, or parsable properties).
     */
    public record Appointment(String date, String time, OffsetDateTime start, String timezone, String duration,
            Integer durationMinutes, String location, List<String> resources) {

        public Appointment {
            resources = resources == null ? List.of() : List.copyOf(resources);
        }
    }

    /** A decimal amount as text (never a binary float) and its ISO-4217 currency. */
    public record Money(String amount, String currency) {
    }
}
