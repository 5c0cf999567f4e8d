package io.customerflow.events;

import java.util.List;

/** One line item of a Shopify order, reduced to what rules and booking detection need. */
public record OrderLineItem(long id, Long productId, Long variantId, String sku, String title, String variantTitle,
        int quantity, List<Property> properties) {

    public OrderLineItem {
        properties = properties == null ? List.of() : List.copyOf(properties);
    }
}
