package io.customerflow.events;

import java.util.List;

/**
 * One line item of a Shopify order, reduced to what rules and booking detection need.
 *
 * @param price the unit price in the shop's currency (absent in events written before it was carried): a booking
 *              found after the order was published (its product's tags looked up) keeps the price it would have had
 */
public record OrderLineItem(long id, Long productId, Long variantId, String sku, String title, String variantTitle,
        int quantity, List<Property> properties, BookingEvent.Money price) {

    /** Without a price. */
    public OrderLineItem(long id, Long productId, Long variantId, String sku, String title, String variantTitle,
            int quantity, List<Property> properties) {
        this(id, productId, variantId, sku, title, variantTitle, quantity, properties, null);
    }

    public OrderLineItem {
        properties = properties == null ? List.of() : List.copyOf(properties);
    }
}
