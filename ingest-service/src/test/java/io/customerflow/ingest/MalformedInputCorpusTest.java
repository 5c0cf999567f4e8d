package io.customerflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.customerflow.ingest.service.HmacVerifier;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * A generated corpus of hostile webhooks and booking calls: truncated, mutated, deeply nested, wrong types,
 * bad headers. Every answer is a 4xx (or 200 for a harmless ignored topic), never a 5xx, and nothing is published.
 */
@QuarkusTest
class MalformedInputCorpusTest extends IngestTestBase {

    @Test
    void hundredsOfMalformedRequestsNeverGiveA5xxAndPublishNothing() {
        Random random = new Random(20261123);
        byte[] valid = bookingOrder(8000L);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            bodies.add(java.util.Arrays.copyOf(valid, random.nextInt(valid.length - 1))); // truncated
        }
        for (int i = 0; i < 100; i++) {
            byte[] mutated = valid.clone();
            for (int j = 0; j < 5; j++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            bodies.add(mutated);
        }
        bodies.add("{\"a\":".repeat(5000).getBytes(StandardCharsets.UTF_8));
        bodies.add("[".repeat(100000).getBytes(StandardCharsets.UTF_8));
        for (String s : List.of("", "null", "true", "1e999999", "\"string\"", "{\"id\": \"abc\"}", "{\"id\": -1.5e400}",
                "{\"id\": 1, \"line_items\": {}}", "{\"id\": 1, \"line_items\": [{\"id\": \"x\"}]}",
                "{\"id\": 1, \"customer\": []}", "{\"id\": 1, \"created_at\": \"yesterday\"}",
                "{\"id\": 1, \"line_items\": [{\"id\": 2, \"properties\": \"Duration\"}]}",
                "{\"id\": 99999999999999999999999}")) {
            bodies.add(s.getBytes(StandardCharsets.UTF_8));
        }

        int requests = 0;
        for (byte[] body : bodies) {
            int status = RestAssured.given().contentType("application/json")
                    .header("X-Shopify-Hmac-Sha256", HmacVerifier.signature(SECRET, body))
                    .header("X-Shopify-Topic", "orders/create")
                    .header("X-Shopify-Shop-Domain", SHOP)
                    .header("X-Shopify-Webhook-Id", "corpus-" + requests)
                    .body(body).post("/webhooks/shopify").statusCode();
            requests++;
            assertTrue(status == 400, "body #" + requests + " got " + status);
        }
        String[][] badHeaders = { { "X-Shopify-Shop-Domain", "" }, { "X-Shopify-Shop-Domain", "a.myshopify.com.evil.io" },
                { "X-Shopify-Shop-Domain", "UPPER.myshopify.com" }, { "X-Shopify-Webhook-Id", "" },
                { "X-Shopify-Webhook-Id", "id with spaces" }, { "X-Shopify-Triggered-At", "last tuesday" },
                { "X-Shopify-Hmac-Sha256", "%%%not-base64%%%" }, { "X-Shopify-Hmac-Sha256", "" } };
        for (String[] header : badHeaders) {
            java.util.Map<String, String> headers = new java.util.HashMap<>(java.util.Map.of(
                    "X-Shopify-Hmac-Sha256", HmacVerifier.signature(SECRET, valid),
                    "X-Shopify-Topic", "orders/create", "X-Shopify-Shop-Domain", SHOP,
                    "X-Shopify-Webhook-Id", "corpus-h-" + requests));
            headers.put(header[0], header[1]);
            int status = RestAssured.given().contentType("application/json").headers(headers)
                    .body(valid).post("/webhooks/shopify").statusCode();
            requests++;
            assertTrue(status == 400 || status == 401, header[0] + "=" + header[1] + " got " + status);
        }
        for (int i = 0; i < 60; i++) {
            String body = InstantBookingTest.validBooking().toString();
            String broken = body.substring(0, random.nextInt(body.length()));
            int status = RestAssured.given().contentType("application/json")
                    .header("Authorization", "Bearer " + API_KEY).body(broken)
                    .post("/v1/instant-bookings").statusCode();
            requests++;
            assertTrue(status == 400, "booking prefix of " + broken.length() + " chars got " + status);
        }

        assertTrue(requests >= 300, "corpus size " + requests);
        assertEquals(List.of(), published());
    }
}
