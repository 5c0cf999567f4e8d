package io.customerflow.ingest.reconcile;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventRecord;
import io.customerflow.ingest.client.ShopifyOrdersClient;
import io.customerflow.ingest.service.ShopifyPayloads;
import io.quarkus.logging.Log;

/**
 * Orders a pass read (a page, or a batch of a bulk result) turned into the events their missed webhooks would have
 * produced, published, then remembered as seen: the caller moves its checkpoint only after this returns.
 */
final class OrderBatch {

    /** What a batch published; {@code latest} is the greatest time of the pass's field among its orders. */
    record Published(long bookings, long events, OffsetDateTime latest) {
    }

    private OrderBatch() {
    }

    /**
     * @param byCreation whether the pass's window runs over creation (a backfill) rather than updates
     * @param republish  publish orders the seen table knows too (their events carry the same ids: the consumers
     *                   collapse repeats)
     * @throws OrderPass.PublishException when Kafka did not acknowledge the events or the seen orders
     */
    static Published publish(OrderPass.Context ctx, PassState state, List<ShopifyOrdersClient.Entry> entries,
            boolean byCreation, boolean republish) {
        String shop = state.shop();
        boolean backfill = state.kind() == PassState.Kind.BACKFILL;
        List<EventRecord<?>> records = new ArrayList<>();
        Map<Long, OrdersSeen.Seen> published = new LinkedHashMap<>();
        OffsetDateTime latest = null;
        long bookings = 0;
        for (ShopifyOrdersClient.Entry entry : entries) {
            if (entry.order() == null) {
                // The order's gid only: never a name or an email in the log.
                Log.warnf("reconcile %s: order %s skipped: %s", shop, entry.gid(), entry.problem());
                ctx.metrics().problem(state.kind(), "malformed_order");
                continue;
            }
            ShopifyPayloads.Order order = entry.order();
            OffsetDateTime at = byCreation && order.createdAt() != null ? order.createdAt() : order.updatedAt();
            if (latest == null || at.isAfter(latest)) {
                latest = at;
            }
            if (entry.truncatedLineItems()) {
                ctx.metrics().problem(state.kind(), "truncated_line_items");
            }
            Optional<OrdersSeen.Seen> seen = republish ? Optional.empty() : ctx.seen().get(shop, order.id());
            if (seen.isPresent() && !seen.get().updatedAt().isBefore(order.updatedAt())) {
                ctx.metrics().order(state.kind(), "already_seen");
                continue;
            }
            try {
                List<EventRecord<?>> events = OrderEventsFor.order(ctx.events(), shop, order, seen.orElse(null),
                        backfill);
                records.addAll(events);
                bookings += events.stream().filter(r -> r.data() instanceof BookingEvent)
                        .map(r -> r.cloudEvent().subject()).distinct().count();
                published.put(order.id(), new OrdersSeen.Seen(order.updatedAt(), order.cancelledAt() != null));
                ctx.metrics().order(state.kind(), "emitted");
            } catch (RuntimeException e) {
                Log.warnf("reconcile %s: order %d skipped: %s", shop, order.id(), e.getMessage());
                ctx.metrics().problem(state.kind(), "malformed_order");
            }
        }
        ctx.publisher().publish(records);
        try {
            ctx.seen().record(shop, published).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new OrderPass.PublishException("orders seen not acknowledged: " + e);
        }
        return new Published(bookings, records.size(), latest);
    }
}
