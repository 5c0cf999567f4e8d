package io.customerflow.ingest.service;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One id per fact about an order, whoever reports it: an {@code orders/create} or {@code orders/cancelled} webhook, a
 * reconciliation pass or a backfill (a webhook's update keeps its delivery id, see {@code WebhookEvents}).
 * Shopify's delivery id only tells deliveries apart (ingest drops a delivery it already took at the door); two
 * deliveries of one fact (a late retry, a pass that raced the webhook) carry the same event id, so every consumer's
 * idempotence per event id collapses them.
 */
public final class OrderEventIds {

    private OrderEventIds() {
    }

    /** {@code {shop}/order/{id}/created}. */
    public static String created(String shop, long orderId) {
        return base(shop, orderId) + "created";
    }

    /** {@code {shop}/order/{id}/cancelled}. */
    public static String cancelled(String shop, long orderId) {
        return base(shop, orderId) + "cancelled";
    }

    /** {@code {shop}/order/{id}/updated/{updated_at in UTC}}: a change a pass found (one per pass and updated_at). */
    public static String updated(String shop, long orderId, OffsetDateTime updatedAt) {
        return base(shop, orderId) + "updated/"
                + updatedAt.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static String base(String shop, long orderId) {
        return shop + "/order/" + orderId + "/";
    }
}
