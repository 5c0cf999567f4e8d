package io.customerflow.ingest.reconcile;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader's in-memory seen table, compact: per shop, order id → {@code updated_at} in epoch milliseconds times two
 * plus the cancelled bit: about 95 bytes an order in the packaged ingest (bench/SEEN.md, {@code ./customer-flow bench
 * --seen}: 1 M orders of 3,000 shops, heap after GC), where a map of {@code shop/order} strings to records took 238 in
 * a one-off measurement. Per shop, so a domain is held once.
 */
final class SeenTable {

    private final Map<String, Map<Long, Long>> byShop = new ConcurrentHashMap<>();

    OrdersSeen.Seen get(String shop, long orderId) {
        Map<Long, Long> orders = byShop.get(shop);
        Long packed = orders == null ? null : orders.get(orderId);
        return packed == null ? null : unpack(packed);
    }

    /** Keeps the newer of what is held and {@code seen}. */
    void merge(String shop, long orderId, OrdersSeen.Seen seen) {
        byShop.computeIfAbsent(shop, s -> new ConcurrentHashMap<>()).merge(orderId, pack(seen),
                (held, given) -> (given >> 1) > (held >> 1) ? given : held);
    }

    void remove(String shop, long orderId) {
        Map<Long, Long> orders = byShop.get(shop);
        if (orders != null) {
            orders.remove(orderId);
        }
    }

    /** Removes and answers the keys ({@code shop/order id}) of orders updated before the time. */
    List<String> removeUpdatedBefore(OffsetDateTime before) {
        long limit = before.toInstant().toEpochMilli();
        List<String> removed = new ArrayList<>();
        byShop.forEach((shop, orders) -> orders.forEach((orderId, packed) -> {
            if ((packed >> 1) < limit && orders.remove(orderId, packed)) {
                removed.add(OrdersSeen.key(shop, orderId));
            }
        }));
        return removed;
    }

    int size() {
        return byShop.values().stream().mapToInt(Map::size).sum();
    }

    void clear() {
        byShop.clear();
    }

    private static long pack(OrdersSeen.Seen seen) {
        return seen.updatedAt().toInstant().toEpochMilli() * 2 + (seen.cancelled() ? 1 : 0);
    }

    private static OrdersSeen.Seen unpack(long packed) {
        return new OrdersSeen.Seen(OffsetDateTime.ofInstant(Instant.ofEpochMilli(packed >> 1), ZoneOffset.UTC),
                (packed & 1) == 1);
    }
}
