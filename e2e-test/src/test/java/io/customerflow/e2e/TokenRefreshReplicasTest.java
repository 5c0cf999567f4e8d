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
import java.util.Set;

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
 * was never stored), then a second replica joins and the shops are shared. Meanwhile reconcile passes run every 3 s
 * and live bookings (signed {@code orders/create} webhooks, two a second) are tagged by a packaged tagging-service
 * with the tokens it reads from the registry. No shop ends in needs-reauth, no grant is refused, no Admin call
 * (ingest's or tagging's) uses an expired token, every accepted booking is tagged exactly once, and while two
 * replicas run no shop is refreshed twice for one expiry.
 */
class TokenRefreshReplicasTest {

    static final int SHOPS = 12;
    static final String CLIENT_ID = "replicas-app";
    static final String CLIENT_SECRET = "replicas-app-secret-0123456789";
    static final String OPERATOR_KEY = "replicas-operator-key";
    static final String WEBHOOK_SECRET = "token-replicas-webhook-secret";

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
                "ingest.shopify.webhook-secrets=" + WEBHOOK_SECRET,
                "ingest.shopify.url-template=" + shopify.urlTemplate(),
                "ingest.app.client-id=" + CLIENT_ID,
                "ingest.app.client-secret=" + CLIENT_SECRET,
                "ingest.app.callback-url=http://127.0.0.1/shopify/callback",
                "ingest.app.authorize-url-template=" + shopify.oauthUrlTemplate("authorize"),
                "ingest.app.token-url-template=" + shopify.oauthUrlTemplate("access_token"),
                "ingest.app.refresh-ahead=12s",
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

    /** tagging-service with no shop of its own: every shop and token comes from the registry. */
    static ServiceProcess tagging() throws Exception {
        Path taggingConfig = Files.writeString(dir.resolve("tagging.properties"), String.join("\n",
                "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "privacy.ledger-key=token-replicas-test",
                "shop-registry.data-keys.e2e=Y3VzdG9tZXItZmxvdyBsb2NhbCBydW4gZGF0YSBrZXk=",
                "tagging.shopify.url-template=" + shopify.urlTemplate(), ""));
        return new ServiceProcess("tagging", Path.of("..").toAbsolutePath().normalize()
                .resolve("tagging-service/target/quarkus-app/quarkus-run.jar"), FreePorts.find(),
                List.of(taggingConfig), dir.resolve("tagging.log"), Map.of());
    }

    /** Live bookings: a signed orders/create of a new customer to the ingest replica up now, every 500 ms. */
    static final class Bookings implements AutoCloseable {
        final java.util.concurrent.atomic.AtomicInteger ingestPort = new java.util.concurrent.atomic.AtomicInteger();
        /** Customer id of each booking ingest accepted (answered 200), by shop. */
        final Map<String, List<Long>> accepted = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        private final java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong(8_000_001);
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        Bookings start() {
            timer.scheduleAtFixedRate(this::sendOne, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
            return this;
        }

        private void sendOne() {
            long order = next.getAndIncrement();
            String shop = shops.get((int) (order % shops.size()));
            long customer = order + 1_000_000;
            byte[] body = EndToEndTest.order(order, customer, "c" + order + "@replicas.example", true);
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                // The shops are the app's: Shopify signs their webhooks with its client secret.
                mac.init(new javax.crypto.spec.SecretKeySpec(CLIENT_SECRET.getBytes(
                        java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + ingestPort.get() + "/webhooks/shopify")).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .header("X-Shopify-Hmac-Sha256", java.util.Base64.getEncoder().encodeToString(mac.doFinal(body)))
                        .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", shop)
                        .header("X-Shopify-Webhook-Id", "replicas-" + order)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    accepted.computeIfAbsent(shop, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(customer);
                }
            } catch (Exception e) {
                // The replica was killed or is starting: Shopify would retry this delivery; it is not counted.
            }
        }

        int count() {
            return accepted.values().stream().mapToInt(List::size).sum();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    @Test
    void aReplicaKilledMidRefreshLosesNoShopAndTwoReplicasRefreshEachShopOnce() throws Exception {
        ShopifyOAuthStandIn oauth = shopify.oauth();
        ServiceProcess tagging = tagging().start(Duration.ofMinutes(2));
        ServiceProcess first = replica("ingest-a").start(Duration.ofMinutes(2));
        ServiceProcess second = null;
        ServiceProcess third = null;
        Bookings bookings = new Bookings();
        try {
            for (int i = 0; i < SHOPS; i++) {
                String shop = "refresh-" + i + ".myshopify.com";
                ShopInstaller.install("http://127.0.0.1:" + first.port(), shop);
                shops.add(shop);
            }
            bookings.ingestPort.set(first.port());
            bookings.start();
            // Refreshes now take 3 s at Shopify: the replica is killed while one is in flight.
            oauth.tokenLatency(Duration.ofSeconds(3));
            EndToEndTest.awaitTrue(Duration.ofSeconds(40), () -> oauth.inFlightGrants() > 0);
            first.kill();
            System.out.println("[token-replicas] ingest-a killed (SIGKILL) with " + oauth.inFlightGrants()
                    + " refresh(es) in flight");
            oauth.tokenLatency(Duration.ZERO);
            second = replica("ingest-b").start(Duration.ofMinutes(2));
            bookings.ingestPort.set(second.port());
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
            bookings.close();
            // Every booking ingest accepted is tagged, once, whichever token was current when tagging called.
            int accepted = bookings.count();
            assertTrue(accepted > 100, "live bookings accepted: " + accepted);
            EndToEndTest.awaitTrue(Duration.ofSeconds(60), () -> shops.stream().mapToInt(shop ->
                    shopify.customersTagged(shop).size()).sum() >= accepted);
            for (String shop : shops) {
                List<String> tagged = shopify.customersTagged(shop);
                assertEquals(tagged.size(), Set.copyOf(tagged).size(), shop + ": a customer tagged twice: " + tagged);
                for (long customer : bookings.accepted.getOrDefault(shop, List.of())) {
                    assertTrue(tagged.contains("gid://shopify/Customer/" + customer), shop + ": " + customer
                            + " accepted, not tagged: " + tagged);
                }
                // A booking whose answer was lost to the SIGKILL may be tagged too (Kafka held it): never a stranger.
                for (String gid : tagged) {
                    long customer = Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1));
                    assertTrue(customer > 9_000_000 && customer < 1_000_000 + bookings.next.get(), gid);
                }
            }
            assertEquals(0, oauth.refusedGrants(), "grants refused");
            assertEquals(0, oauth.expiredUses(), "Admin calls with an expired token");
            assertTrue(shopify.calls().size() > SHOPS, "the shops were reconciled meanwhile: " + shopify.calls().size());
        } finally {
            bookings.close();
            tagging.close();
            first.close();
            if (second != null) {
                second.close();
            }
            if (third != null) {
                third.close();
            }
        }
        for (String log : List.of("ingest-a.log", "ingest-b.log", "ingest-c.log", "tagging.log")) {
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
