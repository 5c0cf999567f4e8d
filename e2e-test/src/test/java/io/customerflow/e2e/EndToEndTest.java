package io.customerflow.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.customerflow.events.EventJson;
import io.customerflow.infra.Demo;
import io.customerflow.infra.DemoCase;
import io.customerflow.infra.LocalDemo;
import io.customerflow.infra.LocalStack;
import io.customerflow.infra.SaasStandIn;

/**
 * The packaged services, real Kafka and PostgreSQL and the SaaS stand-in, started as {@code ./customer-flow up}
 * starts them (on free ports), under a mixed stream of more than 500 requests: checkout and plain orders,
 * instant bookings, duplicates, forged webhooks and a redact. Every effect must appear exactly once in all three
 * sinks, and none for the forged requests. Then {@code ./customer-flow demo} runs against the same system.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {

    static final String SALON = "demo-salon.myshopify.com";
    static final int CHECKOUT = 150;
    static final int PLAIN = 80;
    static final int INSTANT = 200;
    static final int FORGED = 30;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static LocalStack stack;
    static SaasStandIn standIn;
    static LocalDemo.Ports ports;
    static Path data;

    @BeforeAll
    static void startTheSystem() throws Exception {
        data = Files.createTempDirectory("customer-flow-e2e-");
        ports = LocalDemo.Ports.free();
        stack = LocalStack.in(Path.of("..").toAbsolutePath().normalize(), data);
        standIn = stack.start(ports);
    }

    @AfterAll
    static void stopTheSystem() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void everyEffectExactlyOnceInAllThreeSinksAndNoneForForgedInput() throws Exception {
        List<Callable> requests = new ArrayList<>();
        for (int i = 0; i < CHECKOUT; i++) {
            byte[] order = order(5_000_000L + i, 1000L + i, "c" + i + "@checkout.example", true);
            String webhookId = "wh-checkout-" + i;
            requests.add(() -> webhook("orders/create", order, webhookId, LocalDemo.WEBHOOK_SECRET, 200));
            if (i < 40) { // Shopify delivering the same webhook again
                requests.add(() -> webhook("orders/create", order, webhookId, LocalDemo.WEBHOOK_SECRET, 200));
            }
            if (i >= 40 && i < 70) { // the same booking reported again by orders/updated: past the door, same ce_id
                requests.add(() -> webhook("orders/updated", order, "wh-update-" + webhookId, LocalDemo.WEBHOOK_SECRET, 200));
            }
        }
        for (int i = 0; i < PLAIN; i++) {
            byte[] order = order(6_000_000L + i, 3000L + i, "p" + i + "@plain.example", false);
            String webhookId = "wh-plain-" + i;
            requests.add(() -> webhook("orders/create", order, webhookId, LocalDemo.WEBHOOK_SECRET, 200));
        }
        for (int i = 0; i < INSTANT; i++) {
            String shop = i % 2 == 0 ? "tokyo-spa.myshopify.com" : "shanghai-studio.myshopify.com";
            String key = "form-" + i;
            int n = i;
            requests.add(() -> instant(shop, n, key));
            if (i < 40) {
                requests.add(() -> instant(shop, n, key));
            }
        }
        for (int i = 0; i < FORGED; i++) {
            byte[] order = order(7_000_000L + i, 9000L + i, "forged" + i + "@evil.example", true);
            String webhookId = "wh-forged-" + i;
            requests.add(() -> webhook("orders/create", order, webhookId, "a-guessed-secret", 401));
        }
        java.util.Collections.shuffle(requests, new java.util.Random(7));
        long start = System.nanoTime();
        send(requests);
        System.out.printf("[e2e] %d requests answered in %.1f s%n", requests.size() + 1, (System.nanoTime() - start) / 1e9);
        assertTrue(requests.size() >= 500);

        awaitTrue(Duration.ofSeconds(120), () -> storeTotal(SALON) == CHECKOUT
                && storeTotal("tokyo-spa.myshopify.com") + storeTotal("shanghai-studio.myshopify.com") == INSTANT
                && shopify("tagsAdd").size() >= CHECKOUT && klaviyoUniqueIds().size() >= CHECKOUT + INSTANT);
        webhook("customers/redact", redact(), "wh-redact-0", LocalDemo.WEBHOOK_SECRET, 200);
        awaitTrue(Duration.ofSeconds(60), () -> storeTotal(SALON) == CHECKOUT - 1
                && klaviyo("/klaviyo/api/data-privacy-deletion-jobs").size() == 1);
        // After the redaction the person's old order is updated again and its booking completed: the redaction
        // ledger keeps every part from sending them anywhere again.
        long aboutC0 = requestsNaming("c0@checkout.example");
        webhook("orders/updated", order(5_000_000L, 1000L, "c0@checkout.example", true), "wh-after-redact",
                LocalDemo.WEBHOOK_SECRET, 200);
        step("/v1/checkout-bookings/5000000/50000000/complete", SALON, "c0@checkout.example", 1000L);
        // For 3 s (anything doubled, or sent after the redaction, would show up by then): nothing new names them.
        org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> requestsNaming("c0@checkout.example") == aboutC0);
        assertEquals(0, shopify("gid://shopify/Customer/1000").stream()
                .filter(r -> r.getBodyAsString().contains("completed-appointment")).count(), "no tag after redaction");

        assertEquals(CHECKOUT - 1, storeTotal(SALON));
        assertEquals(CHECKOUT - 1, storeSum(SALON, "checkoutBookings"), "one booking per checkout customer");
        assertEquals(INSTANT, storeSum("tokyo-spa.myshopify.com", "instantBookings")
                + storeSum("shanghai-studio.myshopify.com", "instantBookings"));
        assertEquals(0, storeTotal(SALON, "email=c0@checkout.example"), "redacted");
        assertEquals(0, storeTotal(SALON, "name=forged"), "forged webhooks stored nothing");

        List<String> tagged = shopify("tagsAdd").stream().map(r -> json(r).path("variables").path("id").asText()).toList();
        assertEquals(CHECKOUT, tagged.size(), "one tagsAdd per booking customer");
        assertEquals(CHECKOUT, tagged.stream().distinct().count());
        assertTrue(tagged.stream().noneMatch(gid -> gid.matches("gid://shopify/Customer/9\\d{3}")), "forged customers tagged");

        Map<String, List<String>> byUniqueId = klaviyoEvents().stream().collect(Collectors.groupingBy(
                b -> b.path("data").path("attributes").path("unique_id").asText(),
                Collectors.mapping(EndToEndTest::withoutReceiptTimes, Collectors.toList())));
        assertEquals(CHECKOUT + INSTANT, klaviyoUniqueIds().size(), "one Klaviyo event per booking (single or bulk)");
        // A client retrying an instant booking with its Idempotency-Key gets the same booking id, hence the same
        // unique_id, which Klaviyo records once; only the time of receipt differs between the two requests.
        byUniqueId.forEach((id, bodies) -> assertEquals(1, bodies.stream().distinct().count(),
                id + ": a repeat must be the same event: " + bodies));
        assertTrue(klaviyoEvents().stream().noneMatch(b -> b.toString().contains("evil.example")));
        String deletion = klaviyo("/klaviyo/api/data-privacy-deletion-jobs").get(0).getBodyAsString();
        assertTrue(deletion.contains("\"email\":\"c0@checkout.example\""), deletion);
        assertLogsHoldNoPersonalDataOrSecrets();
    }

    @Test
    @Order(2)
    void theDemoShowsEachCaseOnceInEverySinkAndTheForgedOneRejected() throws Exception {
        var printed = new java.io.ByteArrayOutputStream();
        List<DemoCase> cases = Demo.run(Demo.Targets.of(ports), new java.io.PrintStream(printed, true,
                StandardCharsets.UTF_8), Duration.ofSeconds(90));
        String table = printed.toString(StandardCharsets.UTF_8);
        System.out.println(table);

        assertEquals(8, cases.size());
        cases.forEach(c -> assertTrue(c.asExpected(), c.label() + " not as expected:\n" + table));
        DemoCase ana = cases.stream().filter(c -> c.label().startsWith("Ana")).findFirst().orElseThrow();
        assertEquals(List.of("200", "200 duplicate", "200"), ana.answers());
        assertEquals(List.of("tagsAdd", "tagsRemove"), ana.shopifyMutations());
        DemoCase kai = cases.stream().filter(c -> c.label().startsWith("Kai")).findFirst().orElseThrow();
        assertEquals(List.of("tagsAdd"), kai.shopifyMutations(), "tagged by the sesami-service product tag alone");
        DemoCase noa = cases.stream().filter(c -> c.label().startsWith("Noa")).findFirst().orElseThrow();
        assertEquals(List.of("tagsAdd"), noa.shopifyMutations(), "a booking by its product id alone");
        DemoCase eve = cases.stream().filter(c -> c.label().startsWith("Eve")).findFirst().orElseThrow();
        assertEquals(List.of("401"), eve.answers());
        assertTrue(table.contains("山田 太郎") || table.contains("太郎 山田"), table);
        assertTrue(table.contains("every case as expected"), table);
    }

    /**
     * The booking app reports visits: completed and no-show steps of checkout and instant bookings reach the store
     * (status, report), Shopify (tags by the default rules) and Klaviyo (their metrics), also when the step overtakes
     * the order's webhook.
     */
    @Test
    @Order(3)
    void lifecycleStepsReachEverySinkAlsoBeforeTheirBooking() throws Exception {
        webhook("orders/create", order(8_000_001L, 8101L, "life-a@checkout.example", true), "wh-life-a",
                LocalDemo.WEBHOOK_SECRET, 200);
        step("/v1/checkout-bookings/8000001/80000010/complete", SALON, "life-a@checkout.example", 8101L);
        // The no-show overtakes its order's webhook.
        step("/v1/checkout-bookings/8000002/80000020/no-show", SALON, "life-b@checkout.example", 8102L);
        webhook("orders/create", order(8_000_002L, 8102L, "life-b@checkout.example", true), "wh-life-b",
                LocalDemo.WEBHOOK_SECRET, 200);
        String tokyo = "tokyo-spa.myshopify.com";
        String instantId = instantBooking(tokyo, "life-c@instant.example");
        step("/v1/instant-bookings/" + instantId + "/complete", tokyo, "life-c@instant.example", null);

        awaitTrue(Duration.ofSeconds(90), () -> "COMPLETED".equals(status(SALON, "life-a@checkout.example"))
                && "NO_SHOW".equals(status(SALON, "life-b@checkout.example"))
                && "COMPLETED".equals(status(tokyo, "life-c@instant.example"))
                && shopify("completed-appointment").size() == 1 && shopify("missed-appointment").size() == 1
                && klaviyoUniqueIds().containsAll(List.of(SALON + "/8000001/80000010/completed",
                        SALON + "/8000002/80000020/no-show", instantId + "/completed")));

        assertTrue(customer(SALON, "life-b@checkout.example").path("bookings").get(0).hasNonNull("bookedAt"),
                "the late order confirmed the booking the no-show was kept for");
        JsonNode day = report(SALON, "2026-11-20").path("days").get(0);
        assertEquals("CHECKOUT", day.path("channel").asText());
        assertEquals(1, day.path("completed").asInt());
        assertEquals(1, day.path("noShow").asInt());
        assertEquals("gid://shopify/Customer/8101", json(shopify("completed-appointment").get(0)).path("variables")
                .path("id").asText());
        assertEquals("gid://shopify/Customer/8102", json(shopify("missed-appointment").get(0)).path("variables")
                .path("id").asText());
        Map<String, String> metrics = klaviyoEvents().stream().collect(Collectors.toMap(
                b -> b.path("data").path("attributes").path("unique_id").asText(),
                b -> b.path("data").path("attributes").path("metric").path("data").path("attributes").path("name")
                        .asText(), (a, b) -> a));
        assertEquals("Completed Appointment", metrics.get(SALON + "/8000001/80000010/completed"));
        assertEquals("Missed Appointment", metrics.get(SALON + "/8000002/80000020/no-show"));
        assertEquals("Completed Appointment", metrics.get(instantId + "/completed"));
        assertTrue(shopify("customerCreate").isEmpty(), "the demo shops did not opt in to instant customers");
        assertLogsHoldNoPersonalDataOrSecrets();
    }

    /**
     * The booking app reports a visit completed and, later, an older no-show of the same booking (a report that was
     * held back): the store keeps both and ends COMPLETED, and neither Shopify nor Klaviyo hears of the no-show.
     */
    @Test
    @Order(4)
    void aStepOlderThanItsBookingsLatestReachesOnlyTheStoresHistory() throws Exception {
        webhook("orders/create", order(8_000_003L, 8103L, "late-step@checkout.example", true), "wh-late-step",
                LocalDemo.WEBHOOK_SECRET, 200);
        String booking = "/v1/checkout-bookings/8000003/80000030/";
        step(booking + "complete", SALON, "late-step@checkout.example", 8103L, "2026-11-21T10:00:00Z");
        step(booking + "no-show", SALON, "late-step@checkout.example", 8103L, "2026-11-21T09:00:00Z");
        awaitTrue(Duration.ofSeconds(60), () -> "COMPLETED".equals(status(SALON, "late-step@checkout.example"))
                && klaviyoUniqueIds().contains(SALON + "/8000003/80000030/completed")
                && shopify("gid://shopify/Customer/8103").stream()
                        .anyMatch(r -> r.getBodyAsString().contains("completed-appointment")));
        // For 3 s (the no-show was published right after the completion): nothing of it reaches either sink.
        org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                !klaviyoUniqueIds().contains(SALON + "/8000003/80000030/no-show")
                        && shopify("gid://shopify/Customer/8103").stream()
                                .noneMatch(r -> r.getBodyAsString().contains("missed-appointment")));
        assertEquals("COMPLETED", status(SALON, "late-step@checkout.example"));
    }

    static void step(String path, String shop, String email, Long shopifyCustomerId) throws Exception {
        step(path, shop, email, shopifyCustomerId, null);
    }

    static void step(String path, String shop, String email, Long shopifyCustomerId, String occurredAt)
            throws Exception {
        ObjectNode b = EventJson.mapper().createObjectNode();
        b.put("shop", shop);
        b.putObject("customer").put("email", email);
        if (shopifyCustomerId != null) {
            b.put("shopifyCustomerId", shopifyCustomerId);
        }
        if (occurredAt != null) {
            b.put("occurredAt", occurredAt);
        }
        var response = HTTP.send(HttpRequest.newBuilder(ingest(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalDemo.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.toBytes(b))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), path + ": " + response.body());
    }

    static String instantBooking(String shop, String email) throws Exception {
        ObjectNode b = EventJson.mapper().createObjectNode();
        b.put("shop", shop);
        b.putObject("customer").put("firstName", "千代").put("lastName", "長").put("email", email);
        b.putObject("service").put("id", "svc-60").put("title", "アロマ");
        b.put("start", "2026-12-05T14:00:00+09:00").put("durationMinutes", 60).put("timezone", "Asia/Tokyo");
        var response = HTTP.send(HttpRequest.newBuilder(ingest("/v1/instant-bookings"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + LocalDemo.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.toBytes(b))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
        return EventJson.mapper().readTree(response.body()).path("bookingId").asText();
    }

    static JsonNode customer(String shop, String email) {
        JsonNode page = store(shop, "email=" + email);
        if (page.path("total").asInt() != 1) {
            return EventJson.mapper().createObjectNode();
        }
        return storeGet("/v1/customers/" + page.path("items").get(0).path("id").asLong() + "?shop=" + shop);
    }

    static String status(String shop, String email) {
        return customer(shop, email).path("bookings").path(0).path("status").asText(null);
    }

    static JsonNode report(String shop, String day) {
        return storeGet("/v1/reports/bookings?shop=" + shop + "&from=" + day + "&to=" + day);
    }

    static JsonNode storeGet(String pathAndQuery) {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports.service("customer-store-service") + pathAndQuery))
                    .header("Authorization", "Bearer " + LocalDemo.STORE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            return EventJson.mapper().readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every service's log of this run: no email, name, token, key or secret of the traffic above. */
    static void assertLogsHoldNoPersonalDataOrSecrets() throws Exception {
        LogScan.assertNoPersonalDataOrSecrets(data.resolve("logs"), List.of("太郎", "山田", "Zoë"));
    }

    // ---------------------------------------------------------------------------------------------------------

    interface Callable {
        void call() throws Exception;
    }

    static void send(List<Callable> requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (Callable c : requests) {
                results.add(pool.submit(() -> {
                    c.call();
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    static byte[] order(long orderId, long customerId, String email, boolean booking) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put("id", orderId).put("name", "#" + orderId).put("email", email).put("currency", "USD")
                .put("created_at", "2026-11-20T10:00:00-05:00");
        o.putObject("customer").put("id", customerId).put("email", email).put("first_name", email.split("@")[0])
                .put("last_name", "Zoë");
        ObjectNode item = o.putArray("line_items").addObject();
        item.put("id", orderId * 10).put("product_id", booking ? 801 : 802).put("quantity", 1).put("price", "65.00")
                .put("title", booking ? "Haircut" : "Shampoo");
        if (booking) {
            item.putArray("properties").addObject().put("name", "_reservation_token").put("value", "rsv-" + orderId);
        }
        return EventJson.toBytes(o);
    }

    static byte[] redact() {
        return ("{\"shop_id\": 1, \"shop_domain\": \"" + SALON + "\", \"customer\": {\"id\": 1000, \"email\":"
                + " \"c0@checkout.example\"}, \"orders_to_redact\": [5000000]}").getBytes(StandardCharsets.UTF_8);
    }

    static void webhook(String topic, byte[] body, String webhookId, String secret, int expected) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        var response = HTTP.send(HttpRequest.newBuilder(ingest("/webhooks/shopify"))
                .header("Content-Type", "application/json")
                .header("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
                .header("X-Shopify-Topic", topic).header("X-Shopify-Shop-Domain", SALON)
                .header("X-Shopify-Webhook-Id", webhookId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), topic + " " + webhookId + ": " + response.body());
    }

    static void instant(String shop, int n, String idempotencyKey) throws Exception {
        ObjectNode b = EventJson.mapper().createObjectNode();
        b.put("shop", shop);
        b.putObject("customer").put("firstName", "太郎" + n).put("lastName", "山田").put("email", "i" + n + "@instant.example");
        b.putObject("service").put("id", "svc-60").put("title", "推拿按摩");
        b.put("start", "2026-12-05T14:00:00+08:00").put("durationMinutes", 60).put("timezone", "Asia/Shanghai");
        var response = HTTP.send(HttpRequest.newBuilder(ingest("/v1/instant-bookings"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + LocalDemo.API_KEY)
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.toBytes(b))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
    }

    static URI ingest(String path) {
        return URI.create("http://127.0.0.1:" + ports.service("ingest-service") + path);
    }

    static JsonNode store(String shop, String query) {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports.service("customer-store-service") + "/v1/customers?size=500&shop=" + shop
                    + (query.isEmpty() ? "" : "&" + query)))
                    .header("Authorization", "Bearer " + LocalDemo.STORE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            return EventJson.mapper().readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int storeTotal(String shop) {
        return storeTotal(shop, "");
    }

    static int storeTotal(String shop, String query) {
        return store(shop, query).path("total").asInt();
    }

    static int storeSum(String shop, String field) {
        int sum = 0;
        for (JsonNode c : store(shop, "").path("items")) {
            sum += c.path(field).asInt();
        }
        return sum;
    }

    static List<LoggedRequest> shopify(String mutation) {
        return standIn.server().findAll(postRequestedFor(urlPathMatching("/shopify/.*")))
                .stream().filter(r -> r.getBodyAsString().contains(mutation)).toList();
    }

    /** Requests to the Shopify and Klaviyo stand-ins whose body names the text (an email). */
    static long requestsNaming(String text) {
        return standIn.server().findAll(postRequestedFor(urlPathMatching("/(shopify|klaviyo)/.*"))).stream()
                .filter(r -> r.getBodyAsString().contains(text)).count();
    }

    static List<LoggedRequest> klaviyo(String path) {
        return standIn.server().findAll(postRequestedFor(urlPathMatching(path)));
    }

    static List<JsonNode> klaviyoEvents() {
        return klaviyo("/klaviyo/api/events").stream().map(EndToEndTest::json).toList();
    }

    static java.util.Set<String> klaviyoUniqueIds() {
        return java.util.Set.copyOf(standIn.klaviyoUniqueIds());
    }

    static String withoutReceiptTimes(JsonNode body) {
        ObjectNode copy = body.deepCopy();
        ObjectNode attributes = (ObjectNode) copy.path("data").path("attributes");
        attributes.remove("time");
        ((ObjectNode) attributes.path("profile").path("data").path("attributes").path("properties"))
                .remove("last_booking_at");
        return copy.toString();
    }

    static JsonNode json(LoggedRequest r) {
        try {
            return EventJson.mapper().readTree(r.getBodyAsString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitTrue(Duration timeout, BooleanSupplier condition) {
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(500))
                .until(condition::getAsBoolean);
    }
}
