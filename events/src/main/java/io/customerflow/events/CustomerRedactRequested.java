package io.customerflow.events;

import java.time.OffsetDateTime;
import java.util.List;

/** Shopify's {@code customers/redact}: erase everything held about this customer of this shop. */
public record CustomerRedactRequested(String shop, Long shopifyCustomerId, String email, List<Long> ordersToRedact,
        OffsetDateTime requestedAt) {

    public CustomerRedactRequested {
        ordersToRedact = ordersToRedact == null ? List.of() : List.copyOf(ordersToRedact);
    }
}
