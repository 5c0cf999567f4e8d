package io.customerflow.events;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Data of order created / updated / cancelled events on {@link Topics#ORDERS}. Ids exceed 2^53 and are
 * carried as 64-bit integers.
 */
public record OrderEvent(String shop, long orderId, String name, String email, Customer customer,
        List<OrderLineItem> lineItems, List<String> tags, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        OffsetDateTime cancelledAt) {

    public OrderEvent {
        lineItems = lineItems == null ? List.of() : List.copyOf(lineItems);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The email to reach the customer by: the customer's own, else the order's. */
    public String contactEmail() {
        return customer != null && customer.email() != null ? customer.email() : email;
    }
}
