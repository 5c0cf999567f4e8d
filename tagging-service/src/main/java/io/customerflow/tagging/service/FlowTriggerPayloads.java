package io.customerflow.tagging.service;

import java.math.BigDecimal;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import io.customerflow.events.BookingEvent;

/**
 * A booking step as the payload of its Flow trigger: the keys each {@code extensions/booking-*}{@code /shopify.extension.toml}
 * declares (checked by {@code FlowExtensionsTest}), references by numeric id as Flow expects. Text the booking app
 * didn't give is sent empty, so a merchant's condition on it is simply false; the duration is left out when unknown.
 */
public final class FlowTriggerPayloads {

    /** Payload keys: a customer reference's key, then the declared fields' keys (letters and spaces only). */
    public static final String CUSTOMER_ID = "customer_id";
    public static final String BOOKING_ID = "Booking id";
    public static final String CHANNEL = "Channel";
    public static final String SERVICE = "Service";
    public static final String START = "Start";
    public static final String DURATION_MINUTES = "Duration minutes";
    public static final String TIME_ZONE = "Time zone";
    public static final String LOCATION = "Location";
    public static final String RESOURCE = "Resource";
    public static final String ORDER_ID = "Order id";

    private FlowTriggerPayloads() {
    }

    /** The payload of the step for the customer of that gid ({@code gid://shopify/Customer/<n>}). */
    public static Map<String, Object> of(BookingEvent booking, String customerGid) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(CUSTOMER_ID, Long.parseLong(customerGid.substring(customerGid.lastIndexOf('/') + 1)));
        payload.put(BOOKING_ID, text(booking.bookingId()));
        payload.put(CHANNEL, booking.channel().name().toLowerCase(java.util.Locale.ROOT));
        payload.put(SERVICE, text(booking.service() == null ? null : booking.service().title()));
        var a = booking.appointment();
        payload.put(START, a == null || a.start() == null ? "" : a.start().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        if (a != null && a.durationMinutes() != null) {
            payload.put(DURATION_MINUTES, BigDecimal.valueOf(a.durationMinutes()));
        }
        payload.put(TIME_ZONE, text(a == null ? null : a.timezone()));
        payload.put(LOCATION, text(a == null ? null : a.location()));
        payload.put(RESOURCE, a == null ? "" : text(String.join(", ", a.resources())));
        payload.put(ORDER_ID, booking.order() == null ? "" : String.valueOf(booking.order().id()));
        return payload;
    }

    /** One line of text: Flow's single-line fields take no line breaks. */
    private static String text(String value) {
        return value == null ? "" : value.replaceAll("[\\r\\n]+", " ").strip();
    }
}
