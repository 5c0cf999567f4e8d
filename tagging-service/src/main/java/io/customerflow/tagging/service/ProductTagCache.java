package io.customerflow.tagging.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.customerflow.tagging.client.ShopifyAdminClient;
import io.customerflow.tagging.config.TaggingConfig;
import io.smallrye.mutiny.Uni;

/**
 * Product tags per shop, cached for {@code tagging.shopify.product-tags-ttl}. Tags aren't in the order webhook; one
 * look-up per shop and product per TTL, for all of an order's unknown products at once.
 */
@ApplicationScoped
public class ProductTagCache {

    /** Fetches the tags of some products of a shop (the Admin API in the service). */
    @FunctionalInterface
    interface Lookup {
        Uni<Map<Long, Set<String>>> tags(String shop, Collection<Long> productIds);
    }

    private record Entry(Set<String> tags, long expiresAtNanos) {
    }

    private final Lookup lookup;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Map<Long, Entry>> byShop = new ConcurrentHashMap<>();
    /** Look-ups on their way, by shop and products: concurrent orders of one product share one call. */
    private final Map<String, Uni<Map<Long, Set<String>>>> pending = new ConcurrentHashMap<>();

    @Inject
    public ProductTagCache(ShopifyAdminClient client, TaggingConfig config) {
        this(client::productTags, config.shopify().productTagsTtl(), System::nanoTime);
    }

    /** With a clock of its own, so tests can let entries expire. */
    ProductTagCache(Lookup lookup, Duration ttl, LongSupplier nanoClock) {
        this.lookup = lookup;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Tags of the given products of a shop; unknown products map to no tags. */
    public Uni<Map<Long, Set<String>>> tags(String shop, Set<Long> productIds) {
        Map<Long, Entry> cache = byShop.computeIfAbsent(shop, s -> new ConcurrentHashMap<>());
        long now = nanoClock.getAsLong();
        Map<Long, Set<String>> known = new HashMap<>();
        List<Long> missing = new ArrayList<>();
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
        String key = shop + "|" + missing.stream().sorted().toList();
        return pending.computeIfAbsent(key, k -> lookup.tags(shop, missing).map(found -> {
            long expires = nanoClock.getAsLong() + ttlNanos;
            Map<Long, Set<String>> fetched = new HashMap<>();
            for (Long id : missing) {
                Set<String> tags = Set.copyOf(found.getOrDefault(id, Set.of()));
                cache.put(id, new Entry(tags, expires));
                fetched.put(id, tags);
            }
            return fetched;
        }).onTermination().invoke(() -> pending.remove(k)).memoize().indefinitely())
                .map(fetched -> {
                    Map<Long, Set<String>> all = new HashMap<>(known);
                    all.putAll(fetched);
                    return all;
                });
    }
}
