package io.customerflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.customerflow.events.Topics;
import io.customerflow.infra.FreePorts;
import io.customerflow.infra.KafkaBroker;
import io.customerflow.infra.ServiceProcess;
import io.customerflow.infra.ShopInstaller;
import io.customerflow.infra.ShopifyAdminStandIn;
import io.customerflow.infra.ShopifyOAuthStandIn;

/**
 * Expiring tokens are refreshed exactly once per shop across packaged ingest replicas: 12 shops installed through
 * OAuth with 20-second tokens; the only replica is killed with SIGKILL while a refresh is in flight at Shopify, a new
 * one takes over from what the registry holds (Shopify's grace for the previous refresh token covers the pair that
 * was never stored), then a second replica joins and the shops are shared. No shop ends in needs-reauth, no grant is
 * refused, no Admin call uses an expired token, and while two replicas run no shop is refreshed twice for one expiry.
 */
class TokenRefreshReplicasTest {

    static final int SHOPS = 12;
    static final String CLIENT_ID = "replicas-app";
    static final String CLIENT_SECRET = "replicas-app-secret-0123456789";
    static final String OPERATOR_KEY = "replicas-operator-key";

    static Path dir;
    static KafkaBroker kafka;
    static ShopifyAdminStandIn shopify;
    static Path config;
    static List<String> shops = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("customer-flow-token-replicas-");
        kafka = new KafkaBroker(dir.resolve("kafka"), FreePorts.find()).start();
        kafka.createTopics(Topics.ORDERS, Topics.CUSTOMER_EVENTS);
        shopify = new ShopifyAdminStandIn(FreePorts.find()).start();
        shopify.oauth().app(CLIENT_ID, CLIENT_SECRET).accessLifetime(Duration.ofSeconds(20));
        config = Files.writeString(dir.resolve("ingest.properties"), String.join("\n",
                "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "privacy.ledger-key=token-replicas-test",
                "shop-registry.data-keys.e2e=Y3VzdG9tZXItZmxvdyBsb2NhbCBydW4gZGF0YSBrZXk=",
                "ingest.shopify.webhook-secrets=token-replicas-webhook-secret",
                "ingest.shopify.url-template=" + shopify.urlTemplate(),
                "ingest.app.client-id=" + CLIENT_ID,
                "ingest.app.client-secret=" + CLIENT_SECRET,
                "ingest.app.callback-url=http://127.0.0.1/shopify/callback",
                "ingest.app.authorize-url-template=" + shopify.oauthUrlTemplate("authorize"),
                "ingest.app.token-url-template=" + shopify.oauthUrlTemplate("access_token"),
                "ingest.app.refresh-ahead=8s",
                "ingest.operators.e2e.key-sha256=" + sha256(OPERATOR_KEY),
                "ingest.reconcile.interval=3s",
                "ingest.reconcile.settle=0s", ""));
    }

    @AfterAll
    static void stop() {
        if (shopify != null) {
            shopify.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static ServiceProcess replica(String name) {
        return new ServiceProcess(name, Path.of("..").toAbsolutePath().normalize()
                .resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), FreePorts.find(), List.of(config),
                dir.resolve(name + ".log"), Map.of());
    }

    @Test
    void aReplicaKilledMidRefreshLosesNoShopAndTwoReplicasRefreshEachShopOnce() throws Exception {
        ShopifyOAuthStandIn oauth = shopify.oauth();
        ServiceProcess first = replica("ingest-a").start(Duration.ofMinutes(2));
        ServiceProcess second = null;
        ServiceProcess third = null;
        try {
            for (int i = 0; i < SHOPS; i++) {
                String shop = "refresh-" + i + ".myshopify.com";
                ShopInstaller.install("http://127.0.0.1:" + first.port(), shop);
                shops.add(shop);
            }
            // Refreshes now take 3 s at Shopify: the replica is killed while one is in flight.
            oauth.tokenLatency(Duration.ofSeconds(3));
            EndToEndTest.awaitTrue(Duration.ofSeconds(40), () -> oauth.inFlightGrants() > 0);
            first.kill();
            System.out.println("[token-replicas] ingest-a killed (SIGKILL) with " + oauth.inFlightGrants()
                    + " refresh(es) in flight");
            oauth.tokenLatency(Duration.ZERO);
            second = replica("ingest-b").start(Duration.ofMinutes(2));
            long refreshes = oauth.grants("refresh_token");
            // Every shop refreshed by the new owner at least twice: it carried on from the registry.
            EndToEndTest.awaitTrue(Duration.ofSeconds(90), () -> oauth.grants("refresh_token") >= refreshes + 2 * SHOPS);
            assertAllInstalled(second.port());

            third = replica("ingest-c").start(Duration.ofMinutes(2)); // the shops' partitions are now shared
            Instant shared = Instant.now().plusSeconds(15); // after the rebalance has settled
            EndToEndTest.awaitTrue(Duration.ofSeconds(120), () -> Instant.now().isAfter(shared.plusSeconds(45)));
            for (String shop : shops) {
                List<Instant> times = oauth.refreshedAt(shop).stream().filter(t -> t.isAfter(shared)).toList();
                assertTrue(times.size() >= 2, shop + " refreshed while two replicas ran: " + times);
                for (int i = 1; i < times.size(); i++) {
                    assertTrue(Duration.between(times.get(i - 1), times.get(i)).toSeconds() >= 6,
                            shop + " refreshed twice for one expiry: " + times);
                }
            }
            assertAllInstalled(third.port());
            assertEquals(0, oauth.refusedGrants(), "grants refused");
            assertEquals(0, oauth.expiredUses(), "Admin calls with an expired token");
            assertTrue(shopify.calls().size() > SHOPS, "the shops were reconciled meanwhile: " + shopify.calls().size());
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
            if (third != null) {
                third.close();
            }
        }
        for (String log : List.of("ingest-a.log", "ingest-b.log", "ingest-c.log")) {
            String text = Files.readString(dir.resolve(log));
            assertFalse(text.matches("(?s).*shp(at|rt)_[0-9a-f]{8}.*"), log + " holds a token");
        }
        // The broker's own files (every log segment of every topic, the registry's included): no token in plaintext.
        try (var files = Files.walk(dir.resolve("kafka"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains("shpat_") || bytes.contains("shprt_"), file + " holds a token");
            }
        }
    }

    private static void assertAllInstalled(int port) throws Exception {
        HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/shops")).header("Authorization", "Bearer " + OPERATOR_KEY)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, list.statusCode());
        for (String shop : shops) {
            assertTrue(list.body().contains("\"shop\":\"" + shop + "\",\"status\":\"installed\""), list.body());
        }
        assertFalse(list.body().contains("needs-reauth"), list.body());
    }

    static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
