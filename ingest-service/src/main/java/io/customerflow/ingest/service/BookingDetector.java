package io.customerflow.ingest.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
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
 * The one definition of a booking line item (docs/BOOKINGS.md), used by webhooks, reconciliation and backfill alike:
 * the booking app's marks (by default a {@code Duration} property, or the hidden, never-translated
 * {@code _reservation_token} / {@code _session-id}), or a booking product: one of {@code ingest.booking.product-ids},
 * a SKU starting with one of {@code ingest.booking.sku-prefixes}, or a product tagged with one of
 * {@code ingest.booking.product-tags}. Each booking line item becomes one booking, carrying the details its
 * properties give.
 */
@ApplicationScoped
public class BookingDetector {

    private final Set<String> marks;
    private final Set<String> productTags;
    private final Set<Long> productIds;
    private final List<String> skuPrefixes;
    private final IngestConfig.BookingFields fields;

    @Inject
    public BookingDetector(IngestConfig config) {
        this.marks = config.booking().markProperties().stream().map(BookingDetector::normalized)
                .collect(Collectors.toUnmodifiableSet());
        this.productTags = config.booking().productTags().orElse(List.of()).stream().map(BookingDetector::normalized)
                .filter(t -> !t.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.productIds = Set.copyOf(config.booking().productIds().orElse(Set.of()));
        this.skuPrefixes = config.booking().skuPrefixes().orElse(List.of()).stream().filter(p -> !p.isBlank()).toList();
        this.fields = config.booking().fields();
    }

    /** A booking by what the order itself says (marks, product id, SKU), without the product's tags. */
    public boolean isBooking(OrderLineItem item) {
        return item.properties().stream().anyMatch(p -> p.name() != null && marks.contains(normalized(p.name())))
                || item.productId() != null && productIds.contains(item.productId())
                || item.sku() != null && skuPrefixes.stream().anyMatch(item.sku()::startsWith);
    }

    /** A booking by the order, or by its product's tags. */
    public boolean isBooking(OrderLineItem item, Set<String> tags) {
        return isBooking(item) || tags.stream().anyMatch(t -> productTags.contains(normalized(t)));
    }

    /** Whether only the product's tags, which a webhook's order lacks, can tell whether the item is a booking. */
    public boolean needsProductTags(OrderLineItem item) {
        return !productTags.isEmpty() && item.productId() != null && !isBooking(item);
    }

    /** How property names and tags are compared: themes and merchants vary case and leave stray spaces. */
    static String normalized(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * One booking per booking line item; {@code occurredAt} is when the step (booked or cancelled) happened,
     * {@code tagsOf} a line item's product tags where known (empty where not).
     */
    public List<BookingEvent> bookings(OrderEvent order, OffsetDateTime occurredAt,
            Function<OrderLineItem, Set<String>> tagsOf) {
        List<BookingEvent> bookings = new ArrayList<>();
        for (OrderLineItem item : order.lineItems()) {
            if (isBooking(item, tagsOf.apply(item))) {
                bookings.add(booking(order, item, occurredAt));
            }
        }
        return bookings;
    }

    /** {@code {shop}/{order id}/{line item id}}: the same booking whichever webhook reports it. */
    public static String bookingId(String shop, long orderId, long lineItemId) {
        return shop + "/" + orderId + "/" + lineItemId;
    }

    private BookingEvent booking(OrderEvent order, OrderLineItem item, OffsetDateTime occurredAt) {
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
                service, appointment, item.price(), item.properties(), occurredAt);
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
