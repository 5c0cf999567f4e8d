package io.customerflow.ingest.client;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.service.BadPayloadException;
import io.customerflow.ingest.service.ShopifyPayloads;
import io.customerflow.shopify.AdminGraphql;
import io.customerflow.shopify.ProductTagCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Reads a shop's orders back from Admin GraphQL, a page at a time, through the shared {@link AdminGraphql} (the same
 * pacing, THROTTLED waits and retries as tagging-service's writes; metrics under {@code ingest.shopify}). Every page
 * leaves {@code ingest.reconcile.keep-for-live} of the shop's bucket for tagging's live writes.
 */
@ApplicationScoped
public class ShopifyOrdersClient {

    /** Which timestamp a window runs over: reconciliation follows updates, a backfill follows creation. */
    public enum Field {
        UPDATED_AT("updated_at", OrderQueries.ORDERS_BY_UPDATED_AT),
        CREATED_AT("created_at", OrderQueries.ORDERS_BY_CREATED_AT);

        final String search;
        final String query;

        Field(String search, String query) {
            this.search = search;
            this.query = query;
        }
    }

    /** One order of a page: its REST shape, or why it can't be read (a malformed order is skipped, not fatal). */
    public record Entry(String gid, ShopifyPayloads.Order order, String problem, boolean truncatedLineItems) {
    }

    public record Page(List<Entry> orders, boolean hasNextPage, String endCursor) {
    }

    /** What a product look-up is taken to cost before Shopify said: a few products of one order. */
    static final int PRODUCT_LOOKUP_COST = 10;

    private final AdminGraphql graphql;
    private final IngestConfig.Reconcile config;

    private final io.customerflow.registry.RegisteredShops shops;

    public ShopifyOrdersClient(IngestConfig config, MeterRegistry metrics, io.customerflow.registry.RegisteredShops shops) {
        // A look-up of an order's few products costs a point or so each; a page of orders (the assumed cost) hundreds.
        this.graphql = new AdminGraphql(config.shopify(), metrics, "ingest.shopify")
                .expectCost(ProductTagCache.QUERY, PRODUCT_LOOKUP_COST);
        this.config = config.reconcile();
        this.shops = shops;
    }

    /**
     * The token each attempt sends: the registry's when it has one (a page can wait for the bucket longer than an
     * expiring token lives, and its owner replaces it meanwhile), else the one the pass was given.
     */
    java.util.function.Supplier<String> latest(String shop, String token) {
        return () -> shops.accessToken(shop).map(io.customerflow.registry.RegisteredShops.AccessToken::token)
                .orElse(token);
    }

    /** Orders whose {@code field} lies in {@code [from, to]}, oldest first, from {@code after} (null: the start). */
    public Uni<Page> page(String shop, String token, Field field, OffsetDateTime from, OffsetDateTime to,
            String after) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("first", config.pageSize());
        variables.put("after", after);
        variables.put("query", search(field, from, to));
        variables.put("lineItems", config.lineItems());
        return graphql.call(shop, latest(shop, token), field.query, variables, config.keepForLive()).map(data -> {
            JsonNode orders = data.path("orders");
            if (!orders.isObject()) {
                throw new BadPayloadException("the answer has no orders connection");
            }
            List<Entry> entries = new ArrayList<>();
            for (JsonNode node : orders.path("nodes")) {
                String gid = node.path("id").asText("?");
                try {
                    entries.add(new Entry(gid, GraphqlOrders.order(node), null, GraphqlOrders.truncatedLineItems(node)));
                } catch (BadPayloadException e) {
                    entries.add(new Entry(gid, null, e.getMessage(), false));
                }
            }
            JsonNode pageInfo = orders.path("pageInfo");
            return new Page(entries, pageInfo.path("hasNextPage").asBoolean(false),
                    pageInfo.path("endCursor").isTextual() ? pageInfo.get("endCursor").asText() : null);
        });
    }

    /** How many orders the window holds (a lower bound when Shopify answers {@code AT_LEAST}). */
    public Uni<Long> count(String shop, String token, Field field, OffsetDateTime from, OffsetDateTime to) {
        return graphql.call(shop, latest(shop, token), OrderQueries.ORDERS_COUNT, Map.of("query", search(field, from, to)),
                config.keepForLive()).map(data -> data.path("ordersCount").path("count").asLong(0));
    }

    /** ingest's one Admin GraphQL door: its other callers (subscriptions) share the shops' pacing. */
    AdminGraphql graphql() {
        return graphql;
    }

    /** Whether the registry holds a token for the shop, so its products can be looked up. */
    public boolean canRead(String shop) {
        return shops.accessToken(shop).isPresent();
    }

    /**
     * The tags of some products of a shop ({@link #canRead}), with the registry's token: live work, so nothing is kept
     * back for tagging, but paced in the same bucket as the shop's reconciliation pages.
     */
    public Uni<Map<Long, Set<String>>> productTags(String shop, Collection<Long> productIds) {
        return graphql.call(shop, latest(shop, null), ProductTagCache.QUERY, ProductTagCache.variables(productIds), 0)
                .map(ProductTagCache::parse);
    }

    /** Shopify's search syntax, e.g. {@code updated_at:>='2026-11-30T10:00:00Z' AND updated_at:<='…'}. */
    static String search(Field field, OffsetDateTime from, OffsetDateTime to) {
        return field.search + ":>='" + iso(from) + "' AND " + field.search + ":<='" + iso(to) + "'";
    }

    private static String iso(OffsetDateTime t) {
        return t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
