package io.customerflow.events;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Data of order created / updated / cancelled events on {@link Topics#ORDERS}. Ids exceed 2^53 and are
 * carried as 64-bit integers.
 *
 * @param historical true when a backfill (orders from before install, or an operator-chosen range) found the order
 *                   rather than a webhook or the reconciler; null (omitted in JSON) means false
 */
public record OrderEvent(String shop, long orderId, String name, String email, Customer customer,
        List<OrderLineItem> lineItems, List<String> tags, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        OffsetDateTime cancelledAt, Boolean historical) {

    public OrderEvent {
        lineItems = lineItems == null ? List.of() : List.copyOf(lineItems);
        tags = tags == null ? List.of() : List.copyOf(tags);
        historical = Boolean.TRUE.equals(historical) ? Boolean.TRUE : null;
    }

    /** A live order event (not historical). */
    public OrderEvent(String shop, long orderId, String name, String email, Customer customer,
            List<OrderLineItem> lineItems, List<String> tags, OffsetDateTime createdAt, OffsetDateTime updatedAt,
            OffsetDateTime cancelledAt) {
        this(shop, orderId, name, email, customer, lineItems, tags, createdAt, updatedAt, cancelledAt, null);
    }

    public boolean markedHistorical() {
        return Boolean.TRUE.equals(historical);
    }

    /** The same order, marked historical. */
    public OrderEvent asHistorical() {
        return new OrderEvent(shop, orderId, name, email, customer, lineItems, tags, createdAt, updatedAt, cancelledAt,
                Boolean.TRUE);
    }

    /** The email to reach the customer by: the customer's own, else the order's. */
    public String contactEmail() {
        return customer != null && customer.email() != null ? customer.email() : email;
    }
}
