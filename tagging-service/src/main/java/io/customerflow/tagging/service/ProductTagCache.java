package io.customerflow.tagging.service;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.tagging.client.ShopifyAdminClient;
import io.customerflow.tagging.config.TaggingConfig;
import io.smallrye.mutiny.Uni;

/**
 * Product tags per shop, cached with a TTL. Tags aren't in the order webhook; one look-up per shop and product per
 * TTL, for all of an order's unknown products at once.
 */
@ApplicationScoped
public class ProductTagCache {

    private record Entry(Set<String> tags, long expiresAtNanos) {
    }

    private final ShopifyAdminClient client;
    private final long ttlNanos;
    private final Map<String, Map<Long, Entry>> byShop = new ConcurrentHashMap<>();

    public ProductTagCache(ShopifyAdminClient client, TaggingConfig config) {
        this.client = client;
        this.ttlNanos = config.shopify().productTagsTtl().toNanos();
    }

    /** Tags of the given products of a shop; unknown products map to no tags. */
    public Uni<Map<Long, Set<String>>> tags(String shop, Set<Long> productIds) {
        Map<Long, Entry> cache = byShop.computeIfAbsent(shop, s -> new ConcurrentHashMap<>());
        long now = System.nanoTime();
        Map<Long, Set<String>> known = new HashMap<>();
        List<Long> missing = new java.util.ArrayList<>();
        for (Long id : productIds) {
            Entry e = cache.get(id);
            if (e != null && e.expiresAtNanos - now > 0) {
                known.put(id, e.tags);
            } else {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return Uni.createFrom().item(known);
        }
        return client.productTags(shop, missing).map(found -> {
            long expires = System.nanoTime() + ttlNanos;
            for (Long id : missing) {
                Set<String> tags = Set.copyOf(found.getOrDefault(id, Set.of()));
                cache.put(id, new Entry(tags, expires));
                known.put(id, tags);
            }
            return known;
        });
    }

    Duration ttl() {
        return Duration.ofNanos(ttlNanos);
    }
}
