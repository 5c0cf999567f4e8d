package io.customerflow.klaviyo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.customerflow.klaviyo.messaging.Channels;
import io.customerflow.klaviyo.service.KlaviyoAccounts;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.SecretBox;
import io.customerflow.registry.ShopRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Klaviyo keys come from the shop registry while klaviyo runs: a shop connected after start is sent with its own key
 * (taken over from its first booking), two shops with one key are one account, a changed key counts from the next
 * booking, a shop without a key is skipped, and an uninstalled shop gets no request at all. No restart anywhere.
 */
@QuarkusTest
class RegistryAccountsTest extends KlaviyoTestBase {

    private static final String TOPIC = "test.klaviyo.shops.v1";
    private static final SecretBox BOX = new SecretBox(Map.of("test", "Y3VzdG9tZXItZmxvdyB0ZXN0cyBkYXRhIGtleSAzMmI="), null);
    private static final String NORTH = "registry-north.myshopify.com";
    private static final String SOUTH = "registry-south.myshopify.com";
    private static final String BARE = "registry-bare.myshopify.com";

    @Inject
    RegisteredShops registry;

    @Inject
    KlaviyoAccounts accounts;

    @Test
    void shopsConnectShareChangeAndLeaveTheirKlaviyoKeysWithoutARestart() {
        try (var deadLetters = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            connectShareChangeAndLeave(deadLetters);
        }
    }

    private void connectShareChangeAndLeave(io.customerflow.infra.KafkaTestClient.Tail deadLetters) {
        write(NORTH, 1, ShopRecord.Status.INSTALLED, "pk_registry_shared_0001");
        write(SOUTH, 1, ShopRecord.Status.INSTALLED, "pk_registry_shared_0001");
        write(BARE, 1, ShopRecord.Status.INSTALLED, null);
        assertEquals(accounts.forShop(NORTH).orElseThrow().name(), accounts.forShop(SOUTH).orElseThrow().name(),
                "one key, one account: its limits are shared");
        assertTrue(accounts.forShop(NORTH).orElseThrow().name().matches("key-[0-9a-f]{16}"));

        publish(EventType.BOOKING_CONFIRMED, "reg-north-1", instant(NORTH, "reg-north-1", "north.one@example.com", "N", "One"));
        publish(EventType.BOOKING_CONFIRMED, "reg-south-1", instant(SOUTH, "reg-south-1", "south.one@example.com", "S", "One"));
        publish(EventType.BOOKING_CONFIRMED, "reg-bare-1", instant(BARE, "reg-bare-1", "bare.one@example.com", "B", "One"));
        await().atMost(Duration.ofSeconds(30)).until(() -> keyOf("reg-north-1") != null && keyOf("reg-south-1") != null);
        assertEquals("Klaviyo-API-Key pk_registry_shared_0001", keyOf("reg-north-1"));
        assertEquals("Klaviyo-API-Key pk_registry_shared_0001", keyOf("reg-south-1"));

        // North connects a key of its own: its next booking goes with it, under another account.
        String shared = accounts.forShop(NORTH).orElseThrow().name();
        write(NORTH, 2, ShopRecord.Status.INSTALLED, "pk_registry_north_0002");
        assertNotEquals(shared, accounts.forShop(NORTH).orElseThrow().name());
        publish(EventType.BOOKING_CONFIRMED, "reg-north-2", instant(NORTH, "reg-north-2", "north.two@example.com", "N", "Two"));
        await().atMost(Duration.ofSeconds(30)).until(() -> keyOf("reg-north-2") != null);
        assertEquals("Klaviyo-API-Key pk_registry_north_0002", keyOf("reg-north-2"));

        // Uninstalled: nothing for the shop is sent, its booking is dead-lettered as such (replayable on reinstall).
        write(NORTH, 3, ShopRecord.Status.UNINSTALLED, null);
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            publish(EventType.BOOKING_CONFIRMED, "reg-north-3", instant(NORTH, "reg-north-3", "north.three@example.com", "N", "Three"));
            var dead = dlq.await(1, r -> "reg-north-3".equals(CloudEvent.header(r.headers(), "ce_id")), Duration.ofSeconds(30));
            String reason = new String(dead.get(0).headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("uninstalled"), reason);
        }
        // The shop without a key was skipped, not dead-lettered; the uninstalled one never reached Klaviyo.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> keyOf("reg-bare-1") == null && keyOf("reg-north-3") == null);
        assertTrue(deadLetters.drain(Duration.ofSeconds(1)).stream()
                .noneMatch(r -> "reg-bare-1".equals(CloudEvent.header(r.headers(), "ce_id"))), "reg-bare-1 skipped");
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("dead_letters_total{") && l.contains("uninstalled")
                && !l.endsWith(" 0.0")), "uninstalled counted");
        assertTrue(metrics.lines().noneMatch(l -> l.contains("pk_registry")), "no key in the metrics");
    }

    /** The Authorization header the booking was sent with, or null while it was not sent. */
    private static String keyOf(String bookingId) {
        return sentEvents().stream().filter(e -> bookingId.equals(e.bookingId())).findFirst()
                .map(e -> e.request().getHeader("Authorization")).orElse(null);
    }

    /** Writes the shop's next version and waits until klaviyo has read it (as a replica would within a poll). */
    private void write(String shop, long version, ShopRecord.Status status, String klaviyoKey) {
        ShopRecord.Credential credential = status == ShopRecord.Status.UNINSTALLED ? null : new ShopRecord.Credential(
                ShopRecord.Credential.Kind.EXPIRING, BOX.seal(shop, "accessToken", "shpat_" + shop.hashCode()),
                OffsetDateTime.now().plusHours(1), BOX.seal(shop, "refreshToken", "shprt_" + shop.hashCode()),
                OffsetDateTime.now().plusDays(90));
        ShopRecord record = new ShopRecord(shop, status, "test-app", List.of("write_customers"), credential,
                klaviyoKey == null ? null : BOX.seal(shop, "klaviyoKey", klaviyoKey), ShopRecord.Settings.DEFAULT,
                OffsetDateTime.now(), version);
        kafka.send(TOPIC, shop, null, EventJson.toBytes(record));
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.find(shop).map(ShopRecord::version).orElse(0L) == version);
    }
}
