package io.customerflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.Topics;
import io.customerflow.infra.InfraTestResource;
import io.customerflow.infra.KafkaTestClient;
import io.customerflow.infra.TestInfrastructure;
import io.customerflow.ingest.service.HmacVerifier;
import io.quarkus.test.common.QuarkusTestResource;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import io.customerflow.events.RecordKeyPartitioner;
import io.customerflow.events.RecordKeys;

/** Real broker, a tail on both output topics, and Shopify-shaped requests signed like Shopify signs them. */
@QuarkusTestResource(InfraTestResource.class)
abstract class IngestTestBase {

    static final String SECRET = "test-secret-current";
    static final String ROTATED_SECRET = "test-secret-previous";
    static final String SHOP = "downtown-salon.myshopify.com";
    static final String API_KEY = "local-demo-api-key";

    /** The test profile's {@code privacy.ledger-key}: record keys are hashed under it. */
    static final RecordKeys KEYS = new RecordKeys("test-ledger-key");

    KafkaTestClient.Tail tail;

    /**
     * The record carries the hashed key of this basis ({@code EventKeys}: {@code {shop}/{email}}, ...), never the
     * basis itself, and sits in the partition the basis gives (where its readable key put it before: no customer's
     * events reordered across the switch).
     */
    void assertKeyed(String basis, ConsumerRecord<String, byte[]> record) {
        assertEquals(KEYS.of(basis).wire(), record.key());
        assertFalse(record.key().contains("@"), record.key());
        assertEquals(RecordKeyPartitioner.partition(basis.getBytes(StandardCharsets.UTF_8),
                tail.partitions(record.topic())), record.partition(), "partition of " + basis);
    }

    @BeforeEach
    void tailTopics() {
        tail = new KafkaTestClient(TestInfrastructure.kafka()).tail(Topics.ORDERS, Topics.CUSTOMER_EVENTS);
    }

    @AfterEach
    void closeTail() {
        tail.close();
    }

    static byte[] resource(String path) {
        try (InputStream in = IngestTestBase.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference booking order with a fresh order id, so tests never collide. */
    static byte[] bookingOrder(long orderId) {
        try {
            ObjectNode order = (ObjectNode) EventJson.mapper().readTree(resource("/shopify/orders-create-booking.json"));
            order.put("id", orderId);
            return EventJson.mapper().writeValueAsBytes(order);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ValidatableResponse webhook(String topic, byte[] body, String secret, String webhookId) {
        return RestAssured.given()
                .contentType("application/json")
                .header("X-Shopify-Hmac-Sha256", HmacVerifier.signature(secret, body))
                .header("X-Shopify-Topic", topic)
                .header("X-Shopify-Shop-Domain", SHOP)
                .header("X-Shopify-Webhook-Id", webhookId)
                .header("X-Shopify-Triggered-At", "2026-11-20T15:12:45.123Z")
                .header("X-Shopify-API-Version", "2026-10")
                .body(body)
                .post("/webhooks/shopify")
                .then();
    }

    /**
     * A webhook signed with the current secret and the usual headers, except those in {@code headers}: each
     * replaces the usual value, or removes the header when its value is null.
     */
    static ValidatableResponse webhook(byte[] body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(Map.of(
                "X-Shopify-Hmac-Sha256", HmacVerifier.signature(SECRET, body),
                "X-Shopify-Topic", "orders/create",
                "X-Shopify-Shop-Domain", SHOP,
                "X-Shopify-Webhook-Id", UUID.randomUUID().toString(),
                "X-Shopify-Triggered-At", "2026-11-20T15:12:45.123Z",
                "X-Shopify-API-Version", "2026-10"));
        all.putAll(headers);
        all.values().removeIf(Objects::isNull);
        return RestAssured.given().contentType("application/json").headers(all).body(body)
                .post("/webhooks/shopify").then();
    }

    /** Name/value pairs for {@link #webhook(byte[], Map)}; a null value removes the header. */
    static Map<String, String> headers(String... namesAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    static ValidatableResponse webhook(String topic, byte[] body) {
        return webhook(topic, body, SECRET, UUID.randomUUID().toString());
    }

    List<ConsumerRecord<String, byte[]>> awaitRecords(int count) {
        return tail.await(count, Duration.ofSeconds(20));
    }

    /**
     * What ingest published since the test began. Ingest answers only after Kafka acknowledged its records, so once
     * a request was answered its records are there: reading up to the end offsets proves a negative without a window.
     */
    List<ConsumerRecord<String, byte[]>> published() {
        return tail.toEnd();
    }

    /** What arrived within the window: for records that may come after the answer (a 503'd attempt sent late). */
    List<ConsumerRecord<String, byte[]>> recordsWithin(Duration window) {
        return tail.drain(window);
    }

    /** The sum of the Prometheus samples whose line starts with {@code name} and carries every given label. */
    static double metric(String name, String... labels) {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        return CloudEvent.header(record.headers(), name);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
