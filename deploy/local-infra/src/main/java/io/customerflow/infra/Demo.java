package io.customerflow.infra;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.EventJson;

/**
 * {@code ./customer-flow demo}: sends traffic through the public interfaces only (signed webhooks, instant
 * bookings, a duplicate, a forged webhook), then shows side by side what the store holds, what was asked of
 * Shopify and what Klaviyo received.
 */
public final class Demo {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String INGEST = "http://127.0.0.1:8080";
    private static final String STORE = "http://127.0.0.1:8081";
    private static final String STAND_IN = "http://127.0.0.1:" + LocalDemo.STAND_IN_PORT;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        long base = System.currentTimeMillis() % 1_000_000_000L * 100;
        say("1. Shopify checkout: orders/create with a booking line item (Duration, _reservation_token)");
        show(webhook("orders/create", "demo-salon.myshopify.com", order(base + 1, base + 11, "mia@example.com", "Mia",
                "Rossi", true), UUID.randomUUID().toString(), LocalDemo.WEBHOOK_SECRET));
        say("2. Shopify checkout: orders/create without booking items (a shampoo): order event only");
        show(webhook("orders/create", "demo-salon.myshopify.com", order(base + 2, base + 12, "leo@example.com", "Leo",
                "Berg", false), UUID.randomUUID().toString(), LocalDemo.WEBHOOK_SECRET));
        say("3. The same booking order delivered twice by Shopify (same webhook id)");
        byte[] repeated = order(base + 3, base + 13, "ana@example.com", "Ana", "Souza", true);
        String webhookId = UUID.randomUUID().toString();
        show(webhook("orders/create", "demo-salon.myshopify.com", repeated, webhookId, LocalDemo.WEBHOOK_SECRET));
        show(webhook("orders/create", "demo-salon.myshopify.com", repeated, webhookId, LocalDemo.WEBHOOK_SECRET));
        say("4. A cancellation of Ana's order");
        show(webhook("orders/cancelled", "demo-salon.myshopify.com", repeated, UUID.randomUUID().toString(),
                LocalDemo.WEBHOOK_SECRET));
        say("5. Instant bookings (no checkout, no Shopify customer): Japanese and Chinese names");
        show(instantBooking("tokyo-spa.myshopify.com", "山田", "太郎", "taro.yamada@example.jp", "Asia/Tokyo"));
        show(instantBooking("shanghai-studio.myshopify.com", "王", "小明", "wang.xiaoming@example.cn", "Asia/Shanghai"));
        say("6. A forged webhook (signed with the wrong secret): must be rejected");
        show(webhook("orders/create", "demo-salon.myshopify.com", order(base + 4, base + 14, "eve@example.com", "Eve",
                "Forger", true), UUID.randomUUID().toString(), "not-the-secret"));

        say("waiting 5 s for the consumers ...");
        Thread.sleep(5000);
        for (String shop : LocalDemo.SHOPS) {
            JsonNode page = getJson(STORE + "/v1/customers?shop=" + shop, LocalDemo.STORE_TOKEN);
            say("store: " + shop + " holds " + page.path("total").asInt() + " customer(s)");
            for (JsonNode c : page.path("items")) {
                System.out.printf("   %-28s %s %s  checkout=%d instant=%d%n", c.path("email").asText(),
                        c.path("firstName").asText(), c.path("lastName").asText(), c.path("checkoutBookings").asInt(),
                        c.path("instantBookings").asInt());
            }
        }
        JsonNode journal = getJson(STAND_IN + "/__admin/requests?limit=200", null);
        say("Shopify Admin GraphQL calls (tags):");
        for (JsonNode r : journal.path("requests")) {
            String url = r.path("request").path("url").asText();
            if (url.startsWith("/shopify/")) {
                JsonNode body = EventJson.mapper().readTree(r.path("request").path("body").asText());
                System.out.printf("   %-32s %s %s%n", url.split("/")[2], body.path("query").asText().split("\\(")[0]
                        .replace("mutation ", "").replace("query ", ""), body.path("variables"));
            }
        }
        say("Klaviyo requests:");
        for (JsonNode r : journal.path("requests")) {
            String url = r.path("request").path("url").asText();
            if (url.startsWith("/klaviyo/")) {
                JsonNode attributes = EventJson.mapper().readTree(r.path("request").path("body").asText())
                        .path("data").path("attributes");
                System.out.printf("   %-34s %-24s unique_id=%s profile=%s%n", url,
                        attributes.path("metric").path("data").path("attributes").path("name").asText("-"),
                        attributes.path("unique_id").asText("-"),
                        attributes.path("profile").path("data").path("attributes").path("email").asText("-"));
            }
        }
    }

    private static byte[] order(long orderId, long customerId, String email, String first, String last, boolean booking) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put("id", orderId).put("name", "#" + orderId % 10000).put("email", email).put("currency", "USD")
                .put("created_at", java.time.OffsetDateTime.now().toString());
        o.putObject("customer").put("id", customerId).put("email", email).put("first_name", first).put("last_name", last);
        ObjectNode item = o.putArray("line_items").addObject();
        item.put("id", orderId * 10).put("product_id", booking ? 801 : 802).put("variant_id", 901).put("quantity", 1)
                .put("title", booking ? "Haircut & Style" : "Argan Oil Shampoo").put("price", booking ? "65.00" : "30.00")
                .put("variant_title", booking ? "45 Minutes" : null);
        var properties = item.putArray("properties");
        if (booking) {
            properties.addObject().put("name", "Date").put("value", "December 4, 2026");
            properties.addObject().put("name", "Time").put("value", "3:30 PM");
            properties.addObject().put("name", "Duration").put("value", "45 Minutes");
            properties.addObject().put("name", "_reservation_token").put("value", "rsv_" + orderId);
        }
        return EventJson.toBytes(o);
    }

    private static HttpResponse<String> webhook(String topic, String shop, byte[] body, String webhookId, String secret)
            throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HTTP.send(HttpRequest.newBuilder(URI.create(INGEST + "/webhooks/shopify"))
                .header("Content-Type", "application/json")
                .header("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
                .header("X-Shopify-Topic", topic).header("X-Shopify-Shop-Domain", shop)
                .header("X-Shopify-Webhook-Id", webhookId).header("X-Shopify-API-Version", "2026-10")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> instantBooking(String shop, String last, String first, String email, String zone)
            throws Exception {
        ObjectNode b = EventJson.mapper().createObjectNode();
        b.put("shop", shop);
        b.putObject("customer").put("firstName", first).put("lastName", last).put("email", email);
        b.putObject("service").put("id", "svc-massage-60").put("title", "Massage 60");
        b.put("start", java.time.OffsetDateTime.now().plusDays(7).withNano(0).toString()).put("durationMinutes", 60)
                .put("timezone", zone);
        return HTTP.send(HttpRequest.newBuilder(URI.create(INGEST + "/v1/instant-bookings"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + LocalDemo.API_KEY)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.toBytes(b))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(String url, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return EventJson.mapper().readTree(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static void show(HttpResponse<String> response) {
        System.out.printf("   -> %d %s%n", response.statusCode(), response.body());
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }
}
