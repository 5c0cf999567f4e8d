package io.customerflow.infra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * One loopback WireMock standing in for the two SaaS APIs the services call: Shopify Admin GraphQL under
 * {@code /shopify/{shop}/admin/api/{version}/graphql.json} and Klaviyo under {@code /klaviyo/api/...}. It answers
 * like them and records every request ({@code GET /__admin/requests} lists them).
 */
public final class SaasStandIn implements StandIn {

    private static final String COST = "\"extensions\": {\"cost\": {\"requestedQueryCost\": 10, \"actualQueryCost\": 10,"
            + " \"throttleStatus\": {\"maximumAvailable\": 2000.0, \"currentlyAvailable\": 1990, \"restoreRate\": 100.0}}}";

    /** The demo's bookable product: the stand-in gives it the booking app's product tag {@code sesami-service}. */
    public static final long BOOKABLE_PRODUCT_ID = 803;
    /** A product the local run names a booking product by id ({@code ingest.booking.product-ids}): no marks, no tag. */
    public static final long BOOKING_PRODUCT_ID = 804;

    private static final Pattern CUSTOMER_GID = Pattern.compile("gid://shopify/Customer/\\d+");
    private static final Pattern UNIQUE_ID = Pattern.compile("\"unique_id\":\"([^\"]+)\"");

    /** Where the stand-in serves bulk operations' results ({@code ingest.reconcile.bulk.result-url-prefixes}). */
    public static final String RESULTS = "/shopify-results/";

    private final WireMockServer server;
    /** Shopify's OAuth with its rules (single-use codes, expiring pairs, refresh grace), behind WireMock's proxy. */
    private ShopifyAdminStandIn oauth;

    /** System property: how many requests the journal keeps (default 100,000; the bench needs more). */
    public static final String JOURNAL_PROPERTY = "customer-flow.stand-in.journal-entries";

    public SaasStandIn(int port) {
        server = new WireMockServer(options().port(port).bindAddress("127.0.0.1").containerThreads(32)
                .maxRequestJournalEntries(Integer.getInteger(JOURNAL_PROPERTY, 100_000)));
    }

    public SaasStandIn start() {
        server.start();
        try {
            oauth = new ShopifyAdminStandIn(0).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathMatching(
                "/shopify/[a-z0-9-]+\\.myshopify\\.com/admin/oauth/(authorize|access_token)"))
                .willReturn(aResponse().proxiedFrom(oauth.baseUrl())));
        String graphql = "/shopify/[a-z0-9-]+\\.myshopify\\.com/admin/api/[0-9-]+/graphql\\.json";
        server.stubFor(post(urlPathMatching(graphql)).withRequestBody(containing("tagsAdd"))
                .willReturn(json("{\"data\": {\"tagsAdd\": {\"node\": {\"id\": \"gid://shopify/Customer/0\"},"
                        + " \"userErrors\": []}}, " + COST + "}")));
        // Flow accepts a trigger (the payload checks against the extensions are ShopifyAdminStandIn's, in the tests).
        server.stubFor(post(urlPathMatching(graphql)).withRequestBody(containing("flowTriggerReceive"))
                .willReturn(json("{\"data\": {\"flowTriggerReceive\": {\"userErrors\": []}}, "
                        + COST.replace("\"requestedQueryCost\": 10, \"actualQueryCost\": 10",
                                "\"requestedQueryCost\": 1, \"actualQueryCost\": 1") + "}")));
        server.stubFor(post(urlPathMatching(graphql)).withRequestBody(containing("tagsRemove"))
                .willReturn(json("{\"data\": {\"tagsRemove\": {\"node\": {\"id\": \"gid://shopify/Customer/0\"},"
                        + " \"userErrors\": []}}, " + COST + "}")));
        server.stubFor(post(urlPathMatching(graphql)).withRequestBody(containing("productTags"))
                .willReturn(json("{\"data\": {\"nodes\": []}, " + COST + "}")));
        server.stubFor(post(urlPathMatching(graphql)).atPriority(1).withRequestBody(containing("productTags"))
                .withRequestBody(containing("gid://shopify/Product/" + BOOKABLE_PRODUCT_ID))
                .willReturn(json("{\"data\": {\"nodes\": [{\"id\": \"gid://shopify/Product/" + BOOKABLE_PRODUCT_ID
                        + "\", \"tags\": [\"sesami-service\"]}]}, " + COST + "}")));
        // A backfill's bulk operation completes at once; its result lists the demo's past bookings.
        server.stubFor(post(urlPathMatching(graphql)).withRequestBody(containing("bulkOperationRunQuery("))
                .willReturn(json("{\"data\": {\"bulkOperationRunQuery\": {\"bulkOperation\": {\"id\": "
                        + "\"gid://shopify/BulkOperation/1\", \"status\": \"CREATED\"}, \"userErrors\": []}}, "
                        + COST + "}")));
        server.stubFor(post(urlPathMatching(graphql)).withRequestBody(containing("node(id:"))
                .willReturn(json("{\"data\": {\"node\": {\"id\": \"gid://shopify/BulkOperation/1\", "
                        + "\"status\": \"COMPLETED\", \"errorCode\": null, \"rootObjectCount\": " + PastOrders.COUNT
                        + ", \"url\": \"" + baseUrl() + RESULTS + "past-orders.jsonl\"}}, " + COST + "}")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(RESULTS + "past-orders.jsonl")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/jsonl")
                        .withBody(PastOrders.jsonl())));
        // Reconciliation finds nothing the webhooks missed; a backfill (orders by creation) finds the demo's past
        // bookings, the same on every page asked for (one page).
        server.stubFor(post(urlPathMatching(graphql)).withRequestBody(containing("query orders("))
                .willReturn(json("{\"data\": {\"orders\": {\"pageInfo\": {\"hasNextPage\": false, \"endCursor\": null},"
                        + " \"nodes\": []}}, " + COST + "}")));
        server.stubFor(post(urlPathMatching(graphql)).atPriority(1).withRequestBody(containing("query orders("))
                .withRequestBody(containing("sortKey: CREATED_AT"))
                .willReturn(json("{\"data\": {\"orders\": {\"pageInfo\": {\"hasNextPage\": false, \"endCursor\": \"end\"},"
                        + " \"nodes\": " + PastOrders.json() + "}}, " + COST + "}")));
        // The 1-point query a reconciliation asks the bucket's level with before spending.
        server.stubFor(post(urlPathMatching(graphql)).withRequestBody(containing("query bucket"))
                .willReturn(json("{\"data\": {\"shop\": {\"id\": \"gid://shopify/Shop/1\"}}, " + COST + "}")));
        server.stubFor(post(urlPathMatching(graphql)).withRequestBody(containing("ordersCount"))
                .willReturn(json("{\"data\": {\"ordersCount\": {\"count\": " + PastOrders.COUNT
                        + ", \"precision\": \"EXACT\"}}, " + COST + "}")));
        for (String path : new String[] { "/klaviyo/api/events", "/klaviyo/api/event-bulk-create-jobs",
                "/klaviyo/api/data-privacy-deletion-jobs" }) {
            server.stubFor(post(urlPathMatching(path)).willReturn(aResponse().withStatus(202)));
        }
        // The key check (klaviyo's KlaviyoKeyCheck): the account of the key.
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching("/klaviyo/api/accounts"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/vnd.api+json")
                        .withBody("{\"data\": [{\"type\": \"account\", \"id\": \"StandIn\"}]}")));
        return this;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    public WireMockServer server() {
        return server;
    }

    /**
     * The {@code unique_id} of every event Klaviyo accepted (answered 2xx), by single create or inside a bulk create
     * job, in the order received and with repeats kept (Klaviyo itself records a unique_id once).
     */
    public List<String> klaviyoUniqueIds() {
        List<String> ids = new ArrayList<>();
        for (var served : server.getAllServeEvents()) {
            String path = served.getRequest().getUrl();
            int status = served.getResponse().getStatus();
            if ((path.startsWith("/klaviyo/api/events") || path.startsWith("/klaviyo/api/event-bulk-create-jobs"))
                    && status >= 200 && status < 300) {
                Matcher m = UNIQUE_ID.matcher(served.getRequest().getBodyAsString());
                while (m.find()) {
                    ids.add(m.group(1));
                }
            }
        }
        return ids;
    }

    /** The customer gids of every {@code tagsAdd} Shopify carried out (answered 200 without userErrors). */
    public List<String> customersTagged() {
        List<String> gids = new ArrayList<>();
        for (var served : server.getAllServeEvents()) {
            String body = served.getRequest().getBodyAsString();
            if (served.getRequest().getUrl().startsWith("/shopify/") && body.contains("tagsAdd")
                    && served.getResponse().getStatus() == 200
                    && served.getResponse().getBodyAsString().contains("\"userErrors\": []")) {
                Matcher m = CUSTOMER_GID.matcher(body);
                if (m.find()) {
                    gids.add(m.group());
                }
            }
        }
        return gids;
    }

    @Override
    public java.util.Optional<ShopifyOAuthStandIn> shopifyOAuth() {
        return java.util.Optional.of(oauth.oauth());
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.stop();
        if (oauth != null) {
            oauth.close();
        }
    }
}
