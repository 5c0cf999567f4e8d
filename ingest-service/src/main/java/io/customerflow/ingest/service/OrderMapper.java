package io.customerflow.ingest.service;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.events.Property;

/** Shopify's REST order → the contract's {@link OrderEvent}. */
final class OrderMapper {

    private OrderMapper() {
    }

    static OrderEvent toEvent(String shop, ShopifyPayloads.Order o) {
        if (o.id() == null) {
            throw new BadPayloadException("order has no id");
        }
        return new OrderEvent(shop, o.id(), o.name(), blankToNull(o.email() != null ? o.email() : o.contactEmail()),
                customer(o), lineItems(o), tags(o.tags()), o.createdAt(), o.updatedAt(), o.cancelledAt());
    }

    private static Customer customer(ShopifyPayloads.Order o) {
        ShopifyPayloads.Customer c = o.customer();
        if (c == null) {
            return null;
        }
        return new Customer(c.id(), blankToNull(c.email()), blankToNull(c.firstName()), blankToNull(c.lastName()),
                validPhone(c.phone()), c.locale() != null ? c.locale() : o.customerLocale());
    }

    private static List<OrderLineItem> lineItems(ShopifyPayloads.Order o) {
        if (o.lineItems() == null) {
            return List.of();
        }
        return o.lineItems().stream().filter(Objects::nonNull).map(li -> {
            if (li.id() == null) {
                throw new BadPayloadException("a line item has no id");
            }
            List<Property> properties = li.properties() == null ? List.of()
                    : li.properties().stream().filter(p -> p != null && p.name() != null)
                            .map(p -> new Property(p.name(), p.value())).toList();
            BookingEvent.Money price = li.price() == null || o.currency() == null ? null
                    : new BookingEvent.Money(li.price().toPlainString(), o.currency());
            return new OrderLineItem(li.id(), li.productId(), li.variantId(), li.sku(), li.title(),
                    li.variantTitle(), li.quantity() == null ? 1 : li.quantity(), properties, price);
        }).toList();
    }

    /** Shopify sends tags as one comma-separated string. */
    static List<String> tags(String tags) {
        if (tags == null || tags.isBlank()) {
            return List.of();
        }
        return Arrays.stream(tags.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    /** Only E.164 phones travel on; anything else would fail downstream validation (e.g. Klaviyo). */
    static String validPhone(String phone) {
        if (phone == null) {
            return null;
        }
        String compact = phone.replaceAll("[\\s()-]", "");
        return compact.matches("\\+[1-9]\\d{6,14}") ? compact : null;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
