package io.customerflow.ingest.reconcile;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.ingest.service.OrderEventIds;
import io.customerflow.ingest.service.ShopifyPayloads;
import io.customerflow.ingest.service.WebhookEvents;

/**
 * Which events an order read back from Shopify stands for, given what ingest last published for it: the events of
 * the webhooks that never arrived. Ids are those a webhook of the same fact carries ({@link OrderEventIds}):
 * <ul>
 * <li>never seen: {@code orders/create} ({@code {shop}/order/{id}/created}), and if it is cancelled by now also
 * {@code orders/cancelled} ({@code …/cancelled}), so tagging adds then removes as it would have;
 * <li>seen, cancelled since: {@code orders/cancelled};
 * <li>seen, updated since: {@code orders/updated} ({@code …/updated/{updated_at}}).
 * </ul>
 * Booking events carry the same ids as a webhook's would, so a booking reported both ways is one booking downstream.
 */
final class OrderEventsFor {

    private OrderEventsFor() {
    }

    static List<EventRecord<?>> order(WebhookEvents events, String shop, ShopifyPayloads.Order order,
            OrdersSeen.Seen seen, boolean historical) {
        String source = WebhookEvents.webhookSource(shop) + (historical ? "/backfill" : "/reconcile");
        boolean cancelled = order.cancelledAt() != null;
        List<EventRecord<?>> records = new ArrayList<>();
        if (seen == null) {
            ShopifyPayloads.Order asCreated = cancelled ? uncancelled(order) : order;
            OffsetDateTime created = order.createdAt() != null ? order.createdAt() : order.updatedAt();
            records.addAll(events.orderEvents(EventType.ORDER_CREATED, shop, asCreated,
                    new WebhookEvents.Origin(OrderEventIds.created(shop, order.id()), source, created, historical)));
            if (cancelled) {
                records.addAll(cancelledEvents(events, shop, order, source, historical));
            }
        } else if (cancelled && !seen.cancelled()) {
            records.addAll(cancelledEvents(events, shop, order, source, historical));
        } else {
            records.addAll(events.orderEvents(EventType.ORDER_UPDATED, shop, order, new WebhookEvents.Origin(
                    OrderEventIds.updated(shop, order.id(), order.updatedAt()), source, order.updatedAt(), historical)));
        }
        return records;
    }

    private static List<EventRecord<?>> cancelledEvents(WebhookEvents events, String shop,
            ShopifyPayloads.Order order, String source, boolean historical) {
        return events.orderEvents(EventType.ORDER_CANCELLED, shop, order,
                new WebhookEvents.Origin(OrderEventIds.cancelled(shop, order.id()), source, order.cancelledAt(),
                        historical));
    }

    /** The order as {@code orders/create} reported it: not cancelled yet. */
    private static ShopifyPayloads.Order uncancelled(ShopifyPayloads.Order o) {
        return new ShopifyPayloads.Order(o.id(), o.name(), o.email(), o.contactEmail(), o.phone(), o.createdAt(),
                o.createdAt() != null ? o.createdAt() : o.updatedAt(), null, o.tags(), o.currency(),
                o.customerLocale(), o.customer(), o.lineItems(), o.orderStatusUrl());
    }

}
