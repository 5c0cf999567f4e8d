package io.customerflow.events;

import java.time.OffsetDateTime;
import java.util.List;

/** Shopify's {@code customers/data_request}: export everything held about this customer of this shop. */
public record CustomerDataRequested(String shop, Long shopifyCustomerId, String email, List<Long> ordersRequested,
        Long dataRequestId, OffsetDateTime requestedAt) {

    public CustomerDataRequested {
        ordersRequested = ordersRequested == null ? List.of() : List.copyOf(ordersRequested);
    }
}
