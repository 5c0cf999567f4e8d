package io.customerflow.ingest.service;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.events.EventRecord;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.ingest.client.ShopifyOrdersClient;
import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.messaging.EventPublisher;
import io.customerflow.shopify.ProductTagCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * The bookings of a webhook's order that only its products' tags reveal (docs/BOOKINGS.md). A webhook's body has no
 * product tags, and asking Shopify inside Shopify's 5-second budget would put a paced, throttled call in front of
 * every answer; so the order is published at once, and this reads it back from {@code orders.v1}, looks the products
 * up (cached per product for {@code ingest.booking.product-tags-ttl}, paced in the shop's bucket) and publishes the
 * bookings the order would have had with the tags known: the same ids, so a reconciliation pass that finds them too
 * changes nothing. Kafka holds the order until this is done: a failed look-up loses nothing.
 */
@ApplicationScoped
public class ProductTagBookings {

    /** What handling one order event did (metric {@code ingest_booking_lookups_total{outcome}}). */
    public enum Outcome {
        /** Bookings found by tag and published. */
        PUBLISHED,
        /** Looked up: no product carries a booking tag. */
        NO_BOOKING,
        /** Nothing to look up: not a webhook's order, or every line item decided by the order itself. */
        NOT_NEEDED,
        /** The shop has no Admin API token (its webhooks come without an installed app): tags can't be read. */
        NO_ADMIN_ACCESS
    }

    private final BookingDetector detector;
    private final WebhookEvents events;
    private final ShopifyOrdersClient shopify;
    private final ProductTagCache productTags;
    private final EventPublisher publisher;
    private final MeterRegistry metrics;

    public ProductTagBookings(BookingDetector detector, WebhookEvents events, ShopifyOrdersClient shopify,
            EventPublisher publisher, IngestConfig config, MeterRegistry metrics) {
        this.detector = detector;
        this.events = events;
        this.shopify = shopify;
        this.productTags = new ProductTagCache(shopify::productTags, config.booking().productTagsTtl());
        this.publisher = publisher;
        this.metrics = metrics;
    }

    public Uni<Outcome> handle(EventRecord<?> record) {
        if (!(record.data() instanceof OrderEvent order) || order.markedHistorical()
                || !WebhookEvents.webhookSource(order.shop()).equals(record.cloudEvent().source())) {
            return count(Outcome.NOT_NEEDED); // reconciliation and backfill read the tags with the order
        }
        List<OrderLineItem> undecided = order.lineItems().stream().filter(detector::needsProductTags).toList();
        if (undecided.isEmpty()) {
            return count(Outcome.NOT_NEEDED);
        }
        if (!shopify.canRead(order.shop())) {
            Log.warnf("order %d of %s: its products' tags can't be read (no Admin API token for the shop)",
                    order.orderId(), order.shop());
            return count(Outcome.NO_ADMIN_ACCESS);
        }
        Set<Long> lineItems = undecided.stream().map(OrderLineItem::id).collect(Collectors.toSet());
        Set<Long> products = undecided.stream().map(OrderLineItem::productId).collect(Collectors.toSet());
        var origin = new WebhookEvents.Origin(record.id(), record.cloudEvent().source(), record.cloudEvent().time(),
                false);
        return productTags.tags(order.shop(), products).flatMap(tags -> {
            List<EventRecord<?>> found = events.bookingEvents(record.type(), order, origin,
                    item -> item.productId() == null ? Set.of() : tags.getOrDefault(item.productId(), Set.of()))
                    .stream().filter(b -> lineItems.contains(b.data().order().lineItemId()))
                    .<EventRecord<?>>map(b -> b).toList();
            if (found.isEmpty()) {
                return count(Outcome.NO_BOOKING);
            }
            return publisher.publishInBackground(found).replaceWith(Outcome.PUBLISHED)
                    .invoke(() -> metrics.counter("ingest.booking.lookups", "outcome", "published").increment());
        });
    }

    private Uni<Outcome> count(Outcome outcome) {
        metrics.counter("ingest.booking.lookups", "outcome", outcome.name().toLowerCase()).increment();
        return Uni.createFrom().item(outcome);
    }
}
