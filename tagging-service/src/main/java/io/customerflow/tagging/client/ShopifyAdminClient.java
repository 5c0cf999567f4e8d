package io.customerflow.tagging.client;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.shopify.AdminApiFailure;
import io.customerflow.shopify.AdminGraphql;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.service.ShopRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * tagging's door to Shopify Admin GraphQL: the tag mutations and product look-ups, for shops with a token that
 * haven't uninstalled the app. Pacing by each shop's cost bucket, THROTTLED waits and retries are the shared
 * {@link AdminGraphql}'s (module shopify-admin); what can never succeed is an {@link AdminApiFailure}.
 */
@ApplicationScoped
public class ShopifyAdminClient {

    private final ShopRegistry shops;
    private final MeterRegistry metrics;
    private final AdminGraphql graphql;

    public ShopifyAdminClient(TaggingConfig config, ShopRegistry shops, MeterRegistry metrics) {
        this.graphql = new AdminGraphql(config.shopify(), metrics, "tagging");
        this.shops = shops;
        this.metrics = metrics;
    }

    public Uni<Void> tagsAdd(String shop, String gid, List<String> tags) {
        return mutate(shop, "tagsAdd", ShopifyQueries.TAGS_ADD, gid, tags);
    }

    public Uni<Void> tagsRemove(String shop, String gid, List<String> tags) {
        return mutate(shop, "tagsRemove", ShopifyQueries.TAGS_REMOVE, gid, tags);
    }

    /** Tags of each product id (products Shopify doesn't return are absent). */
    public Uni<Map<Long, Set<String>>> productTags(String shop, Collection<Long> productIds) {
        List<String> gids = productIds.stream().map(id -> "gid://shopify/Product/" + id).toList();
        return call(shop, ShopifyQueries.PRODUCT_TAGS, Map.of("ids", gids)).map(data -> {
            Map<Long, Set<String>> tags = new HashMap<>();
            for (JsonNode node : data.path("nodes")) {
                if (node.hasNonNull("id")) {
                    String id = node.get("id").asText();
                    Set<String> set = new HashSet<>();
                    node.path("tags").forEach(t -> set.add(t.asText()));
                    tags.put(Long.parseLong(id.substring(id.lastIndexOf('/') + 1)), set);
                }
            }
            return tags;
        });
    }

    private Uni<Void> mutate(String shop, String field, String query, String gid, List<String> tags) {
        return call(shop, query, Map.of("id", gid, "tags", tags)).invoke(data -> {
            JsonNode errors = data.path(field).path("userErrors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> messages = new java.util.ArrayList<>();
                errors.forEach(e -> messages.add(e.path("message").asText()));
                throw new AdminApiFailure(DeadLetterReason.REJECTED,
                        field + " userErrors: " + String.join("; ", messages));
            }
            metrics.counter("tagging.mutations", "mutation", field).increment();
        }).replaceWithVoid();
    }

    /** Runs one GraphQL call with pacing and retries; emits {@code data}. */
    Uni<JsonNode> call(String shop, String query, Map<String, Object> variables) {
        String token = shops.accessToken(shop).orElse(null);
        if (token == null) {
            return Uni.createFrom().failure(new AdminApiFailure(DeadLetterReason.NO_CREDENTIALS,
                    "no Admin API access token configured for " + shop));
        }
        if (shops.isUninstalled(shop)) {
            return Uni.createFrom().failure(new AdminApiFailure(DeadLetterReason.UNINSTALLED,
                    "the app was uninstalled from " + shop));
        }
        return graphql.call(shop, token, query, variables);
    }
}
