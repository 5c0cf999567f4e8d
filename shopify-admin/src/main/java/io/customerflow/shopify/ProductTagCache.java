package io.customerflow.shopify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * Product tags per shop, cached for a TTL. Tags aren't in the order webhook; one look-up per shop and product per TTL,
 * for all of an order's unknown products at once. ingest uses it to recognise booking products, tagging for its
 * order rules' {@code PRODUCT_TAG} conditions: the same query, the same answer.
 */
public final class ProductTagCache {

    /** The Admin GraphQL document, exactly as sent (variables: {@code ids}, product gids). */
    public static final String QUERY = "query productTags($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { id tags } } }";

    /** Fetches the tags of some products of a shop (the Admin API in the services). */
    @FunctionalInterface
    public interface Lookup {
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

    public ProductTagCache(Lookup lookup, Duration ttl) {
        this(lookup, ttl, System::nanoTime);
    }

    /** With a clock of its own, so tests can let entries expire. */
    ProductTagCache(Lookup lookup, Duration ttl, LongSupplier nanoClock) {
        this.lookup = lookup;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The {@link #QUERY}'s variables for these products. */
    public static Map<String, Object> variables(Collection<Long> productIds) {
        return Map.of("ids", productIds.stream().map(id -> "gid://shopify/Product/" + id).toList());
    }

    /**
     * The tags of each product in a {@link #QUERY} answer's {@code data} (products Shopify doesn't return are absent).
     * A node that is not a product gid is Shopify's mistake or a stranger's: refused, never guessed.
     */
    public static Map<Long, Set<String>> parse(JsonNode data) {
        Map<Long, Set<String>> tags = new HashMap<>();
        for (JsonNode node : data.path("nodes")) {
            if (!node.hasNonNull("id")) {
                continue;
            }
            String id = node.get("id").asText();
            if (!id.matches("gid://shopify/Product/[0-9]{1,19}")) {
                throw new IllegalStateException("Shopify answered a product id that is not a product gid");
            }
            Set<String> set = new HashSet<>();
            node.path("tags").forEach(t -> set.add(t.asText()));
            tags.put(Long.parseLong(id.substring(id.lastIndexOf('/') + 1)), set);
        }
        return tags;
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
