package io.customerflow.ingest.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.events.AppUninstalled;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.CustomerDataRequested;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.events.ShopRedactRequested;
import io.customerflow.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Turns one verified Shopify webhook into the events it means, with deterministic {@code ce_id}s so Shopify's
 * retries and duplicate deliveries collapse downstream.
 */
@ApplicationScoped
public class WebhookEvents {

    private final BookingDetector detector;
    private final Counter unidentifiedBookings;

    public WebhookEvents(BookingDetector detector, MeterRegistry registry) {
        this.detector = detector;
        this.unidentifiedBookings = Counter.builder("ingest.bookings.unidentified")
                .description("Bookings published without an email or customer id to identify the customer")
                .register(registry);
    }

    public List<EventRecord<?>> events(WebhookTopic topic, WebhookDelivery delivery, byte[] body) {
        return switch (topic) {
            case ORDERS_CREATE -> orderEvents(EventType.ORDER_CREATED, delivery, body);
            case ORDERS_UPDATED -> orderEvents(EventType.ORDER_UPDATED, delivery, body);
            case ORDERS_CANCELLED -> orderEvents(EventType.ORDER_CANCELLED, delivery, body);
            case CUSTOMERS_REDACT -> List.of(customerRedact(delivery, body));
            case CUSTOMERS_DATA_REQUEST -> List.of(dataRequest(delivery, body));
            case SHOP_REDACT -> List.of(shopRedact(delivery, body));
            case APP_UNINSTALLED -> appUninstalled(delivery, body);
        };
    }

    private List<EventRecord<?>> orderEvents(EventType type, WebhookDelivery d, byte[] body) {
        ShopifyPayloads.Order raw = ShopifyPayloads.parse(body, ShopifyPayloads.Order.class);
        // Shopify's order always has these; a body without them is another topic's, re-sent under this one.
        if (raw.id() != null && (raw.createdAt() == null || raw.lineItems() == null)) {
            throw new BadPayloadException("an " + d.topic() + " body is an order: created_at and line_items are "
                    + "required");
        }
        requireOwnShop(d, raw);
        return orderEvents(type, d.shop(), raw, new Origin(orderEventId(type, d, raw), webhookSource(d.shop()),
                d.triggeredAt(), false));
    }

    /**
     * An app's webhooks are all signed with its one secret, and the shop is named only in an unsigned header: an
     * order body captured from one shop could be re-sent as another's. Its {@code order_status_url} names the shop it
     * belongs to when that is a {@code myshopify.com} address (the samples of Shopify's own tests); such a body under
     * another shop's header is refused. A status address on the merchant's own domain can't be told from another
     * shop's, and a body without one is accepted as before.
     */
    static void requireOwnShop(WebhookDelivery d, ShopifyPayloads.Order raw) {
        if (raw.orderStatusUrl() == null) {
            return;
        }
        String host;
        try {
            host = java.net.URI.create(raw.orderStatusUrl().trim()).getHost();
        } catch (IllegalArgumentException e) {
            throw new BadPayloadException("order_status_url is not an address");
        }
        if (host != null && host.toLowerCase(java.util.Locale.ROOT).endsWith(".myshopify.com")
                && !host.equalsIgnoreCase(d.shop())) {
            throw new BadPayloadException("order_status_url names another shop than X-Shopify-Shop-Domain");
        }
    }

    /**
     * The fact's id ({@link OrderEventIds}), the same a reconciliation pass gives it, for an order's creation and its
     * cancellation: each happens once. An update keeps its delivery's id: Shopify's {@code updated_at} has whole
     * seconds, so two changes in one second would share a fact id and a consumer would drop the second.
     */
    private static String orderEventId(EventType type, WebhookDelivery d, ShopifyPayloads.Order raw) {
        if (raw.id() != null && type == EventType.ORDER_CREATED) {
            return OrderEventIds.created(d.shop(), raw.id());
        }
        if (raw.id() != null && type == EventType.ORDER_CANCELLED) {
            return OrderEventIds.cancelled(d.shop(), raw.id());
        }
        return d.shop() + "/" + d.topic() + "/" + d.deliveryId();
    }

    /**
     * Where an order's events come from: the order event's {@code ce_id}, {@code ce_source} and {@code ce_time}, and
     * whether they are historical (a backfill).
     */
    public record Origin(String orderEventId, String source, OffsetDateTime time, boolean historical) {
    }

    /**
     * The events one order means, as an {@code orders/*} webhook of this type reports them: the order event and one
     * booking event per booking line item found by what the order says (and by its products' tags where the Admin API
     * read them with the order). Booking ids depend on the order alone, so a webhook and the reconciler reporting the
     * same booking step produce the same event.
     */
    public List<EventRecord<?>> orderEvents(EventType type, String shop, ShopifyPayloads.Order raw, Origin origin) {
        OrderEvent order = OrderMapper.toEvent(shop, raw);
        if (origin.historical()) {
            order = order.asHistorical();
        }
        List<EventRecord<?>> records = new ArrayList<>();
        String orderSubject = "order/" + order.orderId();
        records.add(EventRecord.of(EventKeys.orderKey(order),
                new CloudEvent(origin.orderEventId(), type, origin.source(), orderSubject, origin.time()), order));
        Map<Long, Set<String>> tagsRead = tagsReadWith(raw);
        records.addAll(bookingEvents(type, order, origin, item -> tagsRead.getOrDefault(item.id(), Set.of())));
        return records;
    }

    /**
     * The booking events of an order event of this type: one per booking line item, {@code tagsOf} giving a line
     * item's product tags where known. Also how the bookings a product look-up finds after the order was published
     * are made: the same ids, times and content as had the tags been known at once.
     */
    public List<EventRecord<BookingEvent>> bookingEvents(EventType type, OrderEvent order, Origin origin,
            Function<OrderLineItem, Set<String>> tagsOf) {
        boolean cancelled = type == EventType.ORDER_CANCELLED || order.cancelledAt() != null;
        OffsetDateTime when = cancelled ? firstNonNull(order.cancelledAt(), order.updatedAt(), origin.time())
                : firstNonNull(order.createdAt(), origin.time());
        List<EventRecord<BookingEvent>> records = new ArrayList<>();
        for (BookingEvent found : detector.bookings(order, when, tagsOf)) {
            BookingEvent booking = origin.historical() ? found.asHistorical() : found;
            // A confirmed booking has one id whichever orders/* webhook reports it: updates repeat it harmlessly.
            EventType bookingType = cancelled ? EventType.BOOKING_CANCELLED : EventType.BOOKING_CONFIRMED;
            String id = cancelled ? booking.bookingId() + "/cancelled" : booking.bookingId();
            if (booking.customer().normalizedEmail() == null && booking.customer().shopifyId() == null) {
                unidentifiedBookings.increment();
            }
            records.add(EventRecord.of(EventKeys.bookingKey(booking),
                    new CloudEvent(id, bookingType, origin.source(), "booking/" + booking.bookingId(), origin.time()),
                    booking));
        }
        return records;
    }

    /** Product tags by line item id, where the Admin API read them with the order (never in a webhook's body). */
    private static Map<Long, Set<String>> tagsReadWith(ShopifyPayloads.Order raw) {
        Map<Long, Set<String>> tags = new HashMap<>();
        if (raw.lineItems() != null) {
            raw.lineItems().stream().filter(li -> li != null && li.id() != null && li.productTags() != null)
                    .forEach(li -> tags.put(li.id(), Set.copyOf(li.productTags())));
        }
        return tags;
    }

    private EventRecord<?> customerRedact(WebhookDelivery d, byte[] body) {
        var p = ShopifyPayloads.parse(body, ShopifyPayloads.CustomersRedact.class);
        requireSameShop(d, p.shopDomain(), p.shopId());
        requireCustomer(p.customer());
        Long customerId = p.customer() == null ? null : p.customer().id();
        String email = p.customer() == null ? null : p.customer().email();
        var data = new CustomerRedactRequested(d.shop(), customerId, email, p.ordersToRedact(), d.triggeredAt());
        return EventRecord.of(EventKeys.customerKey(d.shop(), email, customerId, "privacy"),
                cloudEvent(d.shop() + "/" + d.topic() + "/" + d.deliveryId(), EventType.CUSTOMER_REDACT_REQUESTED, d,
                        "customer/" + customerId), data);
    }

    private EventRecord<?> dataRequest(WebhookDelivery d, byte[] body) {
        var p = ShopifyPayloads.parse(body, ShopifyPayloads.CustomersDataRequest.class);
        requireSameShop(d, p.shopDomain(), p.shopId());
        requireCustomer(p.customer());
        Long customerId = p.customer() == null ? null : p.customer().id();
        String email = p.customer() == null ? null : p.customer().email();
        Long requestId = p.dataRequest() == null ? null : p.dataRequest().id();
        var data = new CustomerDataRequested(d.shop(), customerId, email, p.ordersRequested(), requestId,
                d.triggeredAt());
        return EventRecord.of(EventKeys.customerKey(d.shop(), email, customerId, "privacy"),
                cloudEvent(d.shop() + "/" + d.topic() + "/" + d.deliveryId(), EventType.CUSTOMER_DATA_REQUESTED, d,
                        "customer/" + customerId), data);
    }

    private EventRecord<?> shopRedact(WebhookDelivery d, byte[] body) {
        var p = ShopifyPayloads.parse(body, ShopifyPayloads.ShopRedact.class);
        requireSameShop(d, p.shopDomain(), p.shopId());
        return EventRecord.of(EventKeys.shopKey(d.shop()),
                cloudEvent(d.shop() + "/" + d.topic() + "/" + d.deliveryId(), EventType.SHOP_REDACT_REQUESTED, d,
                        "shop"), new ShopRedactRequested(d.shop(), p.shopId(), d.triggeredAt()));
    }

    /**
     * On both topics: tagging reads orders, the other consumers read customer events. The body is the shop itself:
     * it must be the shop of the header, so no other topic's body can stop a shop's tagging.
     */
    private List<EventRecord<?>> appUninstalled(WebhookDelivery d, byte[] body) {
        var shop = ShopifyPayloads.parse(body, ShopifyPayloads.Shop.class);
        if (shop.id() == null || shop.myshopifyDomain() == null) {
            throw new BadPayloadException("an app/uninstalled body is the shop: id and myshopify_domain are required");
        }
        if (!shop.myshopifyDomain().equals(d.shop())) {
            throw new BadPayloadException("myshopify_domain in the body differs from X-Shopify-Shop-Domain");
        }
        var record = EventRecord.of(EventKeys.shopKey(d.shop()),
                cloudEvent(d.shop() + "/" + d.topic() + "/" + d.deliveryId(), EventType.APP_UNINSTALLED, d, "shop"),
                new AppUninstalled(d.shop(), d.triggeredAt()));
        return List.of(record, record.onTopic(Topics.ORDERS));
    }

    /**
     * Shopify signs the body, not the headers: a privacy request acts only on the shop its signed body names, so a
     * captured body of one topic or shop can't be re-sent as another's.
     */
    private static void requireSameShop(WebhookDelivery d, String bodyShop, Long shopId) {
        if (bodyShop == null || shopId == null) {
            throw new BadPayloadException("a " + d.topic() + " body names its shop: shop_domain and shop_id are "
                    + "required");
        }
        if (!bodyShop.equals(d.shop())) {
            throw new BadPayloadException("shop_domain in the body differs from X-Shopify-Shop-Domain");
        }
    }

    private static void requireCustomer(ShopifyPayloads.PrivacyCustomer customer) {
        if (customer == null || (customer.id() == null && (customer.email() == null || customer.email().isBlank()))) {
            throw new BadPayloadException("customer with an id or an email is required");
        }
    }

    private static CloudEvent cloudEvent(String id, EventType type, WebhookDelivery d, String subject) {
        return new CloudEvent(id, type, webhookSource(d.shop()), subject, d.triggeredAt());
    }

    /** The {@code ce_source} of what a shop's webhooks report (a pass's is this and {@code /reconcile} or {@code /backfill}). */
    public static String webhookSource(String shop) {
        return "/shopify/" + shop;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
