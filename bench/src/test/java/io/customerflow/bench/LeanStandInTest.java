package io.customerflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.customerflow.infra.LeanSaasStandIn;
import io.customerflow.infra.LocalDemo;

/**
 * The bench sees the SaaS sinks through the lean stand-in's observer: only what Shopify and Klaviyo carried out
 * counts as an effect, and both refuse what their published limits don't allow.
 */
class LeanStandInTest {

    private static final String SHOP = LocalDemo.SHOPS[0];
    private final HttpClient http = HttpClient.newHttpClient();
    private SinkWatch sinks;
    private LeanSaasStandIn standIn;

    @BeforeEach
    void start() throws Exception {
        sinks = new SinkWatch(null);
        standIn = new LeanSaasStandIn(0, sinks::accepted);
        // A bucket of 25 points restoring 1 a second: two tagsAdd fit, the third is throttled.
        standIn.shopify().shop(SHOP, LocalDemo.SHOPIFY_TOKEN, 25, 1);
        standIn.start();
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    @Test
    void shopifyTagsCountOnlyWhenCarriedOutWithinTheBucket() throws Exception {
        assertEquals(200, tagsAdd(1001, LocalDemo.SHOPIFY_TOKEN).statusCode());
        assertEquals(200, tagsAdd(1002, LocalDemo.SHOPIFY_TOKEN).statusCode());
        HttpResponse<String> third = tagsAdd(1003, LocalDemo.SHOPIFY_TOKEN);
        assertTrue(third.body().contains("\"THROTTLED\""), third.body());
        assertEquals(401, tagsAdd(1004, "wrong-token").statusCode());

        assertEquals(java.util.Set.of(1001L, 1002L), sinks.shopify(0, 10_000).keySet());
        assertEquals(1, standIn.shopify().throttled());
    }

    @Test
    void klaviyoEventsCountPerUniqueIdAndOverTheBurstLimitIsRefused() throws Exception {
        HttpResponse<String> single = klaviyo("/api/events", "{\"unique_id\":\"" + SHOP + "/2000/1/confirmed\"}");
        assertEquals(202, single.statusCode());
        int refused = 0;
        for (int i = 0; i < 12; i++) { // bulk jobs: 10 a second are allowed
            HttpResponse<String> bulk = klaviyo("/api/event-bulk-create-jobs", "{\"data\": [{\"unique_id\":\"" + SHOP
                    + "/" + (2100 + 2 * i) + "/1/confirmed\"}, {\"unique_id\":\"" + SHOP + "/" + (2101 + 2 * i)
                    + "/1/confirmed\"}]}");
            refused += bulk.statusCode() == 429 ? 1 : 0;
        }

        assertTrue(refused >= 1, "refused " + refused);
        Map<Long, Long> arrived = sinks.klaviyo(0, 10_000);
        assertTrue(arrived.containsKey(2000L) && arrived.containsKey(2100L) && arrived.containsKey(2101L),
                "the single create and both events of the first bulk job: " + arrived.keySet());
        assertEquals(1 + 2 * (12 - refused), arrived.size(), "only accepted requests count");
        assertEquals(refused, standIn.klaviyo().overLimit());
    }

    private HttpResponse<String> tagsAdd(long customer, String token) throws Exception {
        String body = "{\"query\": \"mutation tagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags)"
                + " { userErrors { message } } }\", \"variables\": {\"id\": \"gid://shopify/Customer/" + customer
                + "\", \"tags\": [\"booked-appointment\"]}}";
        return http.send(HttpRequest.newBuilder(URI.create(standIn.baseUrl() + "/shopify/" + SHOP
                + "/admin/api/2026-01/graphql.json")).header("X-Shopify-Access-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> klaviyo(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(standIn.baseUrl() + "/klaviyo" + path))
                .header("Authorization", "Klaviyo-API-Key " + LocalDemo.KLAVIYO_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
