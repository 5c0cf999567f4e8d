package io.customerflow.ingest.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.events.Property;
import io.customerflow.ingest.config.IngestConfig;

/**
 * Finds the booking line items of a checkout order by the booking app's marks (docs/DESIGN-NOTES.md, "Event contract"): by default a
 * {@code Duration} property, or the hidden, never-translated {@code _reservation_token} / {@code _session-id}.
 * Each becomes one booking, carrying the details its properties give.
 */
@ApplicationScoped
public class BookingDetector {

    private final Set<String> marks;
    private final IngestConfig.BookingFields fields;

    @Inject
    public BookingDetector(IngestConfig config) {
        this.marks = config.booking().markProperties().stream().map(BookingDetector::normalized)
                .collect(Collectors.toUnmodifiableSet());
        this.fields = config.booking().fields();
    }

    /** Marks match as the detail fields do: case-insensitively, ignoring surrounding spaces (in config or order). */
    public boolean isBooking(OrderLineItem item) {
        return item.properties().stream().anyMatch(p -> p.name() != null && marks.contains(normalized(p.name())));
    }

    /** How property names are compared: storefront themes and merchants vary case and leave stray spaces. */
    static String normalized(String propertyName) {
        return propertyName.trim().toLowerCase(Locale.ROOT);
    }

    /** One booking per booking line item; {@code occurredAt} is when the step (booked or cancelled) happened. */
    public List<BookingEvent> bookings(OrderEvent order, ShopifyPayloads.Order raw, OffsetDateTime occurredAt) {
        List<BookingEvent> bookings = new ArrayList<>();
        for (OrderLineItem item : order.lineItems()) {
            if (isBooking(item)) {
                bookings.add(booking(order, raw, item, occurredAt));
            }
        }
        return bookings;
    }

    /** {@code {shop}/{order id}/{line item id}}: the same booking whichever webhook reports it. */
    public static String bookingId(String shop, long orderId, long lineItemId) {
        return shop + "/" + orderId + "/" + lineItemId;
    }

    private BookingEvent booking(OrderEvent order, ShopifyPayloads.Order raw, OrderLineItem item,
            OffsetDateTime occurredAt) {
        String duration = value(item, fields.duration());
        if (duration == null && Durations.looksLikeDuration(item.variantTitle())) {
            duration = item.variantTitle();
        }
        String resources = value(item, fields.resources());
        var appointment = new BookingEvent.Appointment(value(item, fields.date()), value(item, fields.time()), null,
                value(item, fields.timezone()), duration, Durations.minutes(duration), value(item, fields.location()),
                resources == null ? List.of() : Arrays.stream(resources.split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).toList());
        var service = new BookingEvent.Service(null, item.productId(), item.variantId(), item.title(),
                item.variantTitle(), item.sku());
        return new BookingEvent(bookingId(order.shop(), order.orderId(), item.id()), BookingChannel.CHECKOUT,
                order.shop(), bookingCustomer(order), new BookingEvent.OrderRef(order.orderId(), order.name(), item.id()),
                service, appointment, price(raw, item), item.properties(), occurredAt);
    }

    /** The order's customer, completed with the order's email when the customer record has none. */
    private static Customer bookingCustomer(OrderEvent order) {
        Customer c = order.customer();
        if (c == null) {
            return new Customer(null, order.email(), null, null, null, null);
        }
        return c.email() != null ? c
                : new Customer(c.shopifyId(), order.email(), c.firstName(), c.lastName(), c.phone(), c.locale());
    }

    private static BookingEvent.Money price(ShopifyPayloads.Order raw, OrderLineItem item) {
        if (raw.lineItems() == null || raw.currency() == null) {
            return null;
        }
        return raw.lineItems().stream().filter(li -> li.id() != null && li.id() == item.id() && li.price() != null)
                .findFirst().map(li -> new BookingEvent.Money(li.price().toPlainString(), raw.currency())).orElse(null);
    }

    private static String value(OrderLineItem item, List<String> names) {
        for (Property p : item.properties()) {
            if (p.name() == null || p.value() == null || p.value().isBlank()) {
                continue;
            }
            String name = normalized(p.name());
            if (names.stream().anyMatch(n -> normalized(n).equals(name))) {
                return p.value().trim();
            }
        }
        return null;
    }
}
