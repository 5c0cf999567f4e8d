package io.customerflow.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.customerflow.events.EventJson;
import io.customerflow.events.ShopCommand;
import io.customerflow.events.ShopHealthReport;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** ingest keeps each installed shop of the app subscribed to the webhooks it reads (docs/SHOPS.md). */
@QuarkusTest
@TestProfile(SubscriptionsProfile.class)
class WebhookSubscriptionsTest extends IngestTestBase {

    /**
     * An installed shop is subscribed to the topics ingest reads; what Shopify drops after failed deliveries, or what
     * delivers to an old address, is put right on the next round, without a second subscription of any topic.
     */
    @Test
    void anInstalledShopIsSubscribedAndWhatShopifyDroppedIsRestored() {
        String shop = "subscribed-salon.myshopify.com";
        double created = metric("ingest_subscriptions_repairs_total", "action=\"created\"");
        double updated = metric("ingest_subscriptions_repairs_total", "action=\"updated\"");
        ShopInstallTest.install(shop).statusCode(200);
        String uri = InstallProfile.SUBSCRIPTIONS_URI;
        List<String> kept = List.of("APP_UNINSTALLED " + uri + " JSON", "ORDERS_CANCELLED " + uri + " JSON",
                "ORDERS_CREATE " + uri + " JSON", "ORDERS_UPDATED " + uri + " JSON");
        await().atMost(Duration.ofSeconds(30)).until(() -> InstallProfile.shopify.subscriptions(shop).equals(kept));

        InstallProfile.shopify.dropSubscription(shop, "ORDERS_CREATE");
        InstallProfile.shopify.redirectSubscription(shop, "APP_UNINSTALLED", "https://old.example.com/webhooks/shopify");
        // The repairs are counted once Shopify answered: after the stand-in holds them.
        await().atMost(Duration.ofSeconds(30)).until(() -> InstallProfile.shopify.subscriptions(shop).equals(kept)
                && metric("ingest_subscriptions_repairs_total", "action=\"created\"") >= created + 5
                && metric("ingest_subscriptions_repairs_total", "action=\"updated\"") >= updated + 1);
    }

    /**
     * The console's commands (shops.commands.v1) are done here: a subscription check at once, a backfill requested as
     * the API requests it, the same command read twice done once, a record that is no command dead-lettered with its
     * reason word. The shop's health shows its webhooks and its subscription check (shop-registry.health-topic).
     */
    @Test
    void theConsolesCommandsAreDoneOnceAndTheShopsHealthIsReported() {
        String shop = "commanded-salon.myshopify.com";
        ShopInstallTest.install(shop).statusCode(200);
        var kafka = new io.customerflow.infra.KafkaTestClient(io.customerflow.infra.TestInfrastructure.kafka());
        try (var health = kafka.tail(InstallProfile.HEALTH_TOPIC);
                var deadLetters = kafka.tail(io.customerflow.ingest.messaging.Channels.DEAD_LETTER_TOPIC);
                var states = kafka.tail("test.install.reconcile-state.v1")) {
            byte[] order = bookingOrder(6_400_001);
            webhook(order, headers("X-Shopify-Shop-Domain", shop, "X-Shopify-Hmac-Sha256",
                    io.customerflow.ingest.service.HmacVerifier.signature(InstallProfile.CLIENT_SECRET, order)))
                    .statusCode(200);
            double checks = metric("ingest_shop_commands_total", "action=\"check-subscriptions\"", "outcome=\"ok\"")
                    + metric("ingest_shop_commands_total", "action=\"check-subscriptions\"", "outcome=\"repaired\"");
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            var check = new ShopCommand(UUID.randomUUID().toString(), shop, ShopCommand.CHECK_SUBSCRIPTIONS, "ops", now,
                    null, null);
            var backfill = new ShopCommand(UUID.randomUUID().toString(), shop, ShopCommand.BACKFILL, "ops", now,
                    now.minusDays(30), null);
            kafka.send(InstallProfile.COMMANDS_TOPIC, shop, null, EventJson.toBytes(backfill));
            kafka.send(InstallProfile.COMMANDS_TOPIC, shop, null, EventJson.toBytes(backfill)); // read twice
            kafka.send(InstallProfile.COMMANDS_TOPIC, shop, null, EventJson.toBytes(check));
            // A shop whose subscriptions ingest does not keep (a seed of no app): its page says so.
            kafka.send(InstallProfile.COMMANDS_TOPIC, InstallProfile.LEGACY, null, EventJson.toBytes(new ShopCommand(
                    UUID.randomUUID().toString(), InstallProfile.LEGACY, ShopCommand.CHECK_SUBSCRIPTIONS, "ops", now,
                    null, null)));
            kafka.send(InstallProfile.COMMANDS_TOPIC, shop, null, "{\"action\": \"erase-everything\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));

            await().atMost(Duration.ofSeconds(90)).until(() -> metric("ingest_shop_commands_total",
                    "action=\"check-subscriptions\"", "outcome=\"ok\"") + metric("ingest_shop_commands_total",
                    "action=\"check-subscriptions\"", "outcome=\"repaired\"") >= checks + 1);
            await().atMost(Duration.ofSeconds(90)).until(() -> metric("ingest_shop_commands_total",
                    "action=\"backfill\"", "outcome=\"requested\"") >= 1
                    && metric("ingest_shop_commands_total", "action=\"backfill\"", "outcome=\"already_done\"")
                            + metric("ingest_shop_commands_total", "action=\"backfill\"",
                                    "outcome=\"already_running\"") >= 1);
            assertEquals(1.0, metric("ingest_shop_commands_total", "action=\"backfill\"", "outcome=\"requested\""),
                    "the command read twice requested one backfill");
            var request = states.await(1, r -> r.key().equals("backfill/" + shop), Duration.ofSeconds(20)).get(0);
            assertTrue(text(request.value()).contains("\"since\":\"" + now.minusDays(30).toLocalDate()),
                    "the backfill asked for: " + text(request.value()));

            var dead = deadLetters.await(1, r -> InstallProfile.COMMANDS_TOPIC.equals(text(r.headers()
                    .lastHeader("dead-letter-topic").value())), Duration.ofSeconds(20)).get(0);
            assertEquals("invalid_event", text(dead.headers().lastHeader("dead-letter-reason-word").value()));

            var notKept = health.await(1, r -> r.key().equals(InstallProfile.LEGACY + "/subscriptions"),
                    Duration.ofSeconds(30)).get(0);
            assertEquals("not_kept", EventJson.fromBytes(notKept.value(), ShopHealthReport.class).state());

            // Its health: the webhook (reported within the flush's 10 s), the subscriptions as last checked.
            var reports = health.await(2, r -> r.key().equals(shop + "/webhooks") || r.key().equals(shop + "/subscriptions"),
                    Duration.ofSeconds(30));
            for (var r : reports) {
                var report = EventJson.fromBytes(r.value(), ShopHealthReport.class);
                ShopHealthReport.Aspect aspect = ShopHealthReport.Aspect.of(r.key().substring(shop.length() + 1))
                        .orElseThrow();
                assertTrue(report.validFor(aspect), r.key() + " " + text(r.value()));
                assertTrue(List.of("received", "ok", "repaired").contains(report.state()), text(r.value()));
            }
        }
    }
}
