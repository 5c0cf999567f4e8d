package io.customerflow.ingest;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.EventJson;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Shopify signs the body, not the headers: one captured delivery, re-sent under another topic, shop or time, must
 * not erase a shop, stop its tagging, or erase a customer. Each case is 400 and nothing is published.
 */
@QuarkusTest
class HostileWebhookTest extends IngestTestBase {

    private static final String OTHER_SHOP = "tokyo-spa.myshopify.com";

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] shopObject(String shop) {
        return json("{\"id\": 954889, \"name\": \"Salon\", \"domain\": \"salon.example.com\", "
                + "\"myshopify_domain\": \"" + shop + "\"}");
    }

    @Test
    void anEmptyBodyUnderAPrivacyTopicErasesNothing() {
        for (String topic : List.of("shop/redact", "customers/redact", "customers/data_request")) {
            webhook(json("{}"), headers("X-Shopify-Topic", topic, "X-Shopify-Triggered-At", "2100-01-01T00:00:00Z"))
                    .statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("shop_domain and shop_id are required"));
        }
        assertEquals(List.of(), published());
    }

    @Test
    void anOrderBodyReplayedUnderAnotherTopicIsRefused() {
        byte[] order = bookingOrder(5531267949001L);
        for (String topic : List.of("customers/redact", "customers/data_request", "shop/redact")) {
            webhook(order, headers("X-Shopify-Topic", topic)).statusCode(400)
                    .body("detail", containsString("shop_domain and shop_id are required"));
        }
        webhook(order, headers("X-Shopify-Topic", "app/uninstalled")).statusCode(400)
                .body("detail", containsString("id and myshopify_domain are required"));
        assertEquals(List.of(), published());
    }

    @Test
    void aPrivacyOrShopBodyReplayedAsAnOrderIsRefused() {
        for (byte[] body : List.of(resource("/shopify/customers-redact.json"), resource("/shopify/shop-redact.json"),
                shopObject(SHOP))) {
            webhook(body, headers("X-Shopify-Topic", "orders/create")).statusCode(400)
                    .body("detail", org.hamcrest.Matchers.anyOf(containsString("order has no id"),
                            containsString("created_at and line_items are required")));
        }
        assertEquals(List.of(), published());
    }

    @Test
    void aBodyOfOneShopReplayedForAnotherIsRefused() {
        webhook(resource("/shopify/customers-redact.json"), headers("X-Shopify-Topic", "customers/redact",
                "X-Shopify-Shop-Domain", OTHER_SHOP)).statusCode(400)
                .body("detail", containsString("differs from X-Shopify-Shop-Domain"));
        webhook(resource("/shopify/shop-redact.json"), headers("X-Shopify-Topic", "shop/redact",
                "X-Shopify-Shop-Domain", OTHER_SHOP)).statusCode(400);
        webhook(shopObject(SHOP), headers("X-Shopify-Topic", "app/uninstalled", "X-Shopify-Shop-Domain", OTHER_SHOP))
                .statusCode(400).body("detail", containsString("myshopify_domain in the body differs"));
        assertEquals(List.of(), published());
    }

    /**
     * One app signs every shop's webhooks with one secret: an order captured from one shop, re-sent with another
     * shop's domain in the unsigned header, would become that shop's order. Its status address names its shop.
     */
    @Test
    void anOrderOfOneShopReplayedForAnotherIsRefused() throws Exception {
        ObjectNode order = (ObjectNode) EventJson.mapper().readTree(bookingOrder(5531267949077L));
        order.put("order_status_url", "https://" + SHOP + "/548380009/orders/b1946ac92492d2347c6235b4d2611184"
                + "/authenticate?key=imasecret");
        byte[] body = EventJson.mapper().writeValueAsBytes(order);
        for (String topic : List.of("orders/create", "orders/updated", "orders/cancelled")) {
            webhook(body, headers("X-Shopify-Topic", topic, "X-Shopify-Shop-Domain", OTHER_SHOP)).statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString("order_status_url names another shop"));
        }
        assertEquals(List.of(), published());
        webhook(body, headers("X-Shopify-Topic", "orders/create")).statusCode(200);
        assertEquals(1, published().stream().filter(r -> r.topic().equals(io.customerflow.events.Topics.ORDERS))
                .count(), "under its own shop it is that shop's order");
    }

    @Test
    void aNulInShopifysTextIsDroppedNotStoredOrRefused() throws Exception {
        // A customer can type it into a line-item property; refusing would only make Shopify retry for days.
        var order = (com.fasterxml.jackson.databind.node.ObjectNode) EventJson.mapper().readTree(bookingOrder(6_400_001));
        ((com.fasterxml.jackson.databind.node.ObjectNode) order.path("customer")).put("first_name", "Ja\u0000ne");
        webhook(EventJson.mapper().writeValueAsBytes(order), java.util.Map.of()).statusCode(200);
        List<ConsumerRecord<String, byte[]>> records = published();
        assertFalse(records.isEmpty());
        records.forEach(r -> assertFalse(text(r.value()).contains("\\u0000"), text(r.value())));
        assertTrue(records.stream().anyMatch(r -> text(r.value()).contains("\"Jane\"")));
    }

    @Test
    void aFutureTriggeredAtIsStoredAsTheTimeOfReceipt() throws Exception {
        OffsetDateTime before = OffsetDateTime.now();
        webhook(resource("/shopify/shop-redact.json"), headers("X-Shopify-Topic", "shop/redact",
                "X-Shopify-Triggered-At", "2100-01-01T00:00:00Z")).statusCode(200);
        List<ConsumerRecord<String, byte[]>> records = awaitRecords(1);
        assertEquals(1, records.size());
        OffsetDateTime requestedAt = OffsetDateTime.parse(EventJson.mapper().readTree(records.get(0).value())
                .path("requestedAt").asText());
        OffsetDateTime ceTime = OffsetDateTime.parse(header(records.get(0), "ce_time"));
        OffsetDateTime after = OffsetDateTime.now();
        for (OffsetDateTime t : List.of(requestedAt, ceTime)) {
            assertFalse(t.isBefore(before.minusSeconds(1)) || t.isAfter(after), t + " is not the time of receipt");
        }
    }

    /** A customers/redact writes the redaction ledger's marks: keyed hashes only, never the email or an id. */
    @Test
    void aRedactionWritesLedgerMarksThatNameNoOne() {
        try (var ledgerTail = new io.customerflow.infra.KafkaTestClient(io.customerflow.infra.TestInfrastructure
                .kafka()).tail(io.customerflow.events.RedactionLedger.TOPIC)) {
            webhook(resource("/shopify/customers-redact.json"), headers("X-Shopify-Topic", "customers/redact"))
                    .statusCode(200);
            var marks = ledgerTail.await(3, Duration.ofSeconds(20));
            var expected = new io.customerflow.events.RedactionLedger("test-ledger-key").keysOf(
                    new io.customerflow.events.CustomerRedactRequested(SHOP, 7212345678901L, "jane.doe@example.com",
                            List.of(5531267940632L), OffsetDateTime.now()));
            assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(marks.stream()
                    .map(ConsumerRecord::key).toList()), "email, customer and order marks");
            for (var mark : marks) {
                String value = new String(mark.value(), StandardCharsets.UTF_8);
                assertTrue(value.matches("\\{\"redactedAt\":\"[^\"]+\"\\}"), value);
            }
        }
        assertEquals(1, awaitRecords(1).size(), "and the redaction's event");
    }

    @Test
    void theShopsOwnUninstallIsAccepted() {
        webhook(shopObject(SHOP), headers("X-Shopify-Topic", "app/uninstalled")).statusCode(200);
        assertEquals(2, awaitRecords(2).size());
    }

    @Test
    void aNumberOfABillionDigitsIsRefusedAtParseTime() {
        String order = new String(bookingOrder(5531267949002L), StandardCharsets.UTF_8);
        assertTrue(order.contains("\"price\""));
        String huge = order.replaceFirst("\"price\"\\s*:\\s*\"[^\"]*\"", "\"price\": 1e999999999");
        assertFalse(huge.equals(order), "the sample's price was replaced");
        webhook(json(huge), headers()).statusCode(400).body("detail", containsString("price"));
        webhook(json(order.replaceFirst("\"price\"\\s*:\\s*\"[^\"]*\"", "\"price\": \"1e999999999\"")), headers())
                .statusCode(400);
        assertEquals(List.of(), published());
    }
}
