package io.customerflow.ingest.service;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.Emails;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.Property;
import io.customerflow.ingest.rest.InstantBookingRequests;

/** Instant bookings (no Shopify checkout) → booking events; the API call is the customer's only record. */
@ApplicationScoped
public class InstantBookings {


    /**
     * The booking id: derived from the client's {@code Idempotency-Key} when given, else from the booking itself
     * (client, shop, the customer's normalized email, service id, start instant). Either way a request re-sent
     * after a timeout or a 503 gets the same id and collapses downstream, with no state here. Without a key, two
     * bookings of one customer for the same service at the same moment are one booking: a person can't be in two
     * appointments of one service at once (a booking app that sells that sends an Idempotency-Key per booking).
     */
    public static String bookingId(String clientName, String shop, String idempotencyKey,
            InstantBookingRequests.Create request) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            String natural = String.join("\n", "booking", clientName, shop,
                    Emails.normalize(request.customer().email()), request.service().id().trim(),
                    Long.toString(request.start().toInstant().getEpochSecond()));
            return "ib_" + ApiKeys.sha256Hex(natural).substring(0, 24);
        }
        return "ib_" + ApiKeys.sha256Hex(clientName + "\n" + shop + "\n" + idempotencyKey.trim()).substring(0, 24);
    }

    public EventRecord<BookingEvent> confirmed(String bookingId, InstantBookingRequests.Create r) {
        requireZone(r.timezone(), "timezone");
        var service = new BookingEvent.Service(r.service().id(), null, null, r.service().title(), r.service().variant(),
                null);
        var appointment = new BookingEvent.Appointment(null, null, r.start(), r.timezone(),
                r.durationMinutes() + " minutes", r.durationMinutes(), r.location(), r.resources());
        var price = r.price() == null ? null : new BookingEvent.Money(r.price().amount(), r.price().currency());
        var order = r.shopifyOrderId() == null ? null : new BookingEvent.OrderRef(r.shopifyOrderId(), null, null);
        List<Property> properties = r.properties() == null ? List.of()
                : r.properties().stream().map(p -> new Property(p.name(), p.value())).toList();
        var booking = new BookingEvent(bookingId, BookingChannel.INSTANT, r.shop(), customer(r.customer()), order,
                service, appointment, price, properties, OffsetDateTime.now());
        return record(bookingId, EventType.BOOKING_CONFIRMED, booking);
    }

    public EventRecord<BookingEvent> rescheduled(String bookingId, InstantBookingRequests.Reschedule r) {
        if (r.timezone() != null) {
            requireZone(r.timezone(), "timezone");
        }
        var appointment = new BookingEvent.Appointment(null, null, r.start(), r.timezone(),
                r.durationMinutes() == null ? null : r.durationMinutes() + " minutes", r.durationMinutes(), null, null);
        var booking = new BookingEvent(bookingId, BookingChannel.INSTANT, r.shop(), customer(r.customer()), null, null,
                appointment, null, List.of(), OffsetDateTime.now());
        // One id per (booking, new start): a repeated request collapses, a second reschedule does not.
        String id = bookingId + "/rescheduled/" + r.start().toInstant();
        return record(id, EventType.BOOKING_RESCHEDULED, booking);
    }

    public EventRecord<BookingEvent> cancelled(String bookingId, InstantBookingRequests.Cancel r) {
        var booking = new BookingEvent(bookingId, BookingChannel.INSTANT, r.shop(), customer(r.customer()), null, null,
                null, null, List.of(), OffsetDateTime.now());
        return record(bookingId + "/cancelled", EventType.BOOKING_CANCELLED, booking);
    }

    /**
     * A lifecycle step ({@link EventType#BOOKING_COMPLETED}, {@link EventType#BOOKING_NO_SHOW}) of an instant
     * booking. One event id per booking and step: a repeated report collapses downstream.
     */
    public EventRecord<BookingEvent> instantStep(String bookingId, EventType step, InstantBookingRequests.Step r) {
        var booking = new BookingEvent(bookingId, BookingChannel.INSTANT, r.shop(), customer(r.customer()), null, null,
                null, null, List.of(), occurredAt(r.occurredAt()));
        return record(bookingId + "/" + suffix(step), step, booking);
    }

    /** The same step of a checkout booking: its id is {@code {shop}/{order id}/{line item id}}, as the order's. */
    public EventRecord<BookingEvent> checkoutStep(long orderId, long lineItemId, EventType step,
            InstantBookingRequests.CheckoutStep r) {
        String bookingId = r.shop() + "/" + orderId + "/" + lineItemId;
        var c = r.customer();
        var customer = new Customer(r.shopifyCustomerId(), c.email().trim(), c.firstName(), c.lastName(), c.phone(),
                c.locale());
        var booking = new BookingEvent(bookingId, BookingChannel.CHECKOUT, r.shop(), customer,
                new BookingEvent.OrderRef(orderId, null, lineItemId), null, null, null, List.of(),
                occurredAt(r.occurredAt()));
        var ce = new CloudEvent(bookingId + "/" + suffix(step), step, "/checkout-bookings/" + r.shop(),
                "booking/" + bookingId, booking.occurredAt());
        return EventRecord.of(EventKeys.bookingKey(booking), ce, booking);
    }

    private static String suffix(EventType step) {
        return switch (step) {
            case BOOKING_COMPLETED -> "completed";
            case BOOKING_NO_SHOW -> "no-show";
            default -> throw new IllegalArgumentException("not a lifecycle step: " + step);
        };
    }

    /** A report may come later than the visit; one from the future is a client's clock or unit error. */
    private static OffsetDateTime occurredAt(OffsetDateTime given) {
        OffsetDateTime now = OffsetDateTime.now();
        if (given == null) {
            return now;
        }
        if (given.isAfter(now.plusMinutes(5))) {
            throw new InvalidFieldException("occurredAt", "must not be in the future");
        }
        return given;
    }

    private static EventRecord<BookingEvent> record(String ceId, EventType type, BookingEvent booking) {
        var ce = new CloudEvent(ceId, type, "/instant-bookings/" + booking.shop(), "booking/" + booking.bookingId(),
                booking.occurredAt());
        return EventRecord.of(EventKeys.bookingKey(booking), ce, booking);
    }

    private static Customer customer(InstantBookingRequests.CustomerInput c) {
        return new Customer(null, c.email().trim(), c.firstName(), c.lastName(), c.phone(), c.locale());
    }

    private static void requireZone(String zone, String field) {
        try {
            ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw new InvalidFieldException(field, "must be an IANA time zone such as Asia/Tokyo");
        }
    }
}
