package io.customerflow.events;

import java.time.OffsetDateTime;

/** Shopify's {@code shop/redact} (48 hours after uninstall): erase everything held for the shop. */
public record ShopRedactRequested(String shop, Long shopifyShopId, OffsetDateTime requestedAt) {
}
