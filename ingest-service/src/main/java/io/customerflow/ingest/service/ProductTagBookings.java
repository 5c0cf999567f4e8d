package io.customerflow.ingest.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.consumer.RedactedSubjects;
import io.customerflow.events.EventRecord;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.ingest.client.ShopifyOrdersClient;
import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.messaging.EventPublisher;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.shopify.AdminApiFailure;
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
 * changes nothing. Kafka holds the order until this is done: a failed look-up loses nothing (it is dead-lettered,
 * and replayed). Runs on a worker thread (it may wait for a refreshed token or the redaction ledger).
 */
@ApplicationScoped
public class ProductTagBookings {

    /** What handling one order event did (metric {@code ingest_booking_lookups_total{outcome}}). */
    public enum Outcome {
        /** Bookings found by tag and published. */
        PUBLISHED,
        /** Looked up: no product carries a booking tag (or only a redacted person's). */
        NO_BOOKING,
        /** Nothing to look up: not a webhook's order, or every line item decided by the order itself. */
        NOT_NEEDED,
        /** The shop has no Admin API token (its webhooks come without an installed app): tags can't be read. */
        NO_ADMIN_ACCESS
    }

    /** How long a look-up waits for the shop's refreshed token when the one held has (nearly) expired. */
    private static final Duration REFRESH_WAIT = Duration.ofSeconds(60);
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

    private final BookingDetector detector;
    private final WebhookEvents events;
    private final ShopifyOrdersClient shopify;
    private final RegisteredShops registry;
    private final Instance<RedactedSubjects> redacted;
    private final ProductTagCache productTags;
    private final EventPublisher publisher;
    private final MeterRegistry metrics;
    private final Duration liveWithin;
    private final Duration pauseAfterGivingUp;
    /** Shops whose Admin API gave up recently, until when their orders go straight to the dead letters. */
    private final Map<String, OffsetDateTime> pausedUntil = new ConcurrentHashMap<>();

    public ProductTagBookings(BookingDetector detector, WebhookEvents events, ShopifyOrdersClient shopify,
            RegisteredShops registry, Instance<RedactedSubjects> redacted, EventPublisher publisher,
            IngestConfig config, MeterRegistry metrics) {
        this.detector = detector;
        this.events = events;
        this.shopify = shopify;
        this.registry = registry;
        this.redacted = redacted;
        this.productTags = new ProductTagCache(shopify::productTags, config.booking().productTagsTtl());
        this.publisher = publisher;
        this.metrics = metrics;
        this.liveWithin = config.booking().lookupLiveWithin();
        this.pauseAfterGivingUp = config.booking().lookupPauseAfterGivingUp();
    }

    /**
     * Whether the order needs a look-up at all: a webhook's order with a line item that only its product's tags can
     * decide. Most don't; the reader settles those where it reads them ({@link #notNeeded}), without a worker.
     */
    public boolean needsLookup(EventRecord<?> record) {
        // Reconciliation and backfill read the tags with the order.
        return record.data() instanceof OrderEvent order && !order.markedHistorical()
                && WebhookEvents.webhookSource(order.shop()).equals(record.cloudEvent().source())
                && order.lineItems().stream().anyMatch(detector::needsProductTags);
    }

    /** Counts an order {@link #needsLookup} declined. */
    public void notNeeded() {
        metrics.counter("ingest.booking.lookups", "outcome", "not_needed").increment();
    }

    public Uni<Outcome> handle(EventRecord<?> record) {
        if (!needsLookup(record)) {
            return count(Outcome.NOT_NEEDED);
        }
        OrderEvent order = (OrderEvent) record.data();
        List<OrderLineItem> undecided = order.lineItems().stream().filter(detector::needsProductTags).toList();
        if (!shopify.canRead(order.shop())) {
            Log.warnf("order %d of %s: its products' tags can't be read (no Admin API token for the shop)",
                    order.orderId(), order.shop());
            return count(Outcome.NO_ADMIN_ACCESS);
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime paused = pausedUntil.get(order.shop());
        if (paused != null && paused.isAfter(now)) {
            // One shop's outage must not hold every other shop's look-ups behind its two-minute retries.
            return Uni.createFrom().failure(new AdminApiFailure(DeadLetterReason.GAVE_UP, "the Admin API of "
                    + order.shop() + " gave up on a look-up moments ago; not asked again until " + paused
                    + " (replay ingest once it answers)"));
        }
        awaitFreshToken(order.shop(), now);
        Set<Long> lineItems = undecided.stream().map(OrderLineItem::id).collect(Collectors.toSet());
        Set<Long> products = undecided.stream().map(OrderLineItem::productId).collect(Collectors.toSet());
        // A record older than the bound (a first deploy reading the topic's retention, a long outage of this reader)
        // gives bookings of the past: recorded everywhere, never starting a merchant's automations.
        boolean historical = record.cloudEvent().time() != null
                && record.cloudEvent().time().isBefore(now.minus(liveWithin));
        var origin = new WebhookEvents.Origin(record.id(), record.cloudEvent().source(), record.cloudEvent().time(),
                historical);
        return productTags.tags(order.shop(), products).onFailure(AdminApiFailure.class).invoke(f -> {
            if (((AdminApiFailure) f).reason() == DeadLetterReason.GAVE_UP) {
                pausedUntil.put(order.shop(), OffsetDateTime.now(ZoneOffset.UTC).plus(pauseAfterGivingUp));
            }
        }).flatMap(tags -> {
            List<EventRecord<?>> found = events.bookingEvents(record.type(), order, origin,
                    item -> item.productId() == null ? Set.of() : tags.getOrDefault(item.productId(), Set.of()))
                    .stream().filter(b -> lineItems.contains(b.data().order().lineItemId()))
                    .filter(b -> !redacted.get().suppresses(b)) // a redacted person never comes back this way
                    .<EventRecord<?>>map(b -> b).toList();
            if (found.isEmpty()) {
                return count(Outcome.NO_BOOKING);
            }
            return publisher.publishInBackground(found).replaceWith(Outcome.PUBLISHED)
                    .invoke(() -> metrics.counter("ingest.booking.lookups", "outcome", "published").increment());
        });
    }

    /**
     * The owner refreshes tokens ahead of expiry; one held past it (a refresh that failed, an owner restarting) would
     * meet Shopify's 401, which is final: wait a while for the refreshed one, as a reconciliation pass does.
     */
    private void awaitFreshToken(String shop, OffsetDateTime now) {
        var held = registry.accessToken(shop).filter(t -> expiring(t, now));
        if (held.isEmpty()) {
            return;
        }
        try {
            registry.newerThan(shop, held.get().version(), REFRESH_WAIT).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // checked below
        }
        if (registry.accessToken(shop).map(t -> expiring(t, OffsetDateTime.now(ZoneOffset.UTC))).orElse(true)) {
            // Never sent expired (Shopify's 401 would say less): dead-lettered, replayed once the shop has a token.
            throw new AdminApiFailure(DeadLetterReason.UNAUTHORIZED, "the access token of " + shop
                    + " expired and no refreshed one arrived within " + REFRESH_WAIT.toSeconds() + " s");
        }
    }

    private static boolean expiring(RegisteredShops.AccessToken token, OffsetDateTime now) {
        return token.expiresAt() != null && !token.expiresAt().isAfter(now.plus(EXPIRY_MARGIN));
    }

    private Uni<Outcome> count(Outcome outcome) {
        metrics.counter("ingest.booking.lookups", "outcome", outcome.name().toLowerCase()).increment();
        return Uni.createFrom().item(outcome);
    }
}
