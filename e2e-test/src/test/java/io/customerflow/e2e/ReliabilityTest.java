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
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.events.EventJson;
import io.customerflow.infra.LocalDemo;
import io.customerflow.infra.LocalStack;
import io.customerflow.infra.SaasStandIn;

/**
 * Faults under a continuous load of booking webhooks: each consumer killed with SIGKILL and restarted, the Kafka
 * broker restarted, PostgreSQL down for 15 s. Requests answered 503 are retried as Shopify retries them. Every
 * accepted booking must then be in every sink exactly once.
 */
class ReliabilityTest {

    static final String SHOP = "demo-salon.myshopify.com";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static LocalStack stack;
    static SaasStandIn standIn;
    static LocalDemo.Ports ports;

    @BeforeAll
    static void startTheSystem() throws Exception {
        ports = LocalDemo.Ports.free();
        stack = LocalStack.in(Path.of("..").toAbsolutePath().normalize(), Files.createTempDirectory("customer-flow-faults-"));
        standIn = stack.start(ports);
    }

    @AfterAll
    static void stopTheSystem() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyAcceptedBookingLandsExactlyOnceThroughConsumerKillsABrokerRestartAndADatabaseOutage() throws Exception {
        Set<Long> accepted = ConcurrentHashMap.newKeySet();
        Set<Long> refused = ConcurrentHashMap.newKeySet();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            long n = 0;
            while (loading.get() && n < 5000) {
                long id = 20_000_000L + n++;
                sent.incrementAndGet();
                (send(id) == 200 ? accepted : refused).add(id);
                sleep(40); // about 25 webhooks a second, continuously
            }
        }, "load");
        load.start();

        sleep(3000);
        for (String consumer : new String[] { "customer-store-service", "tagging-service", "klaviyo-service" }) {
            System.out.println("[faults] kill -9 " + consumer);
            stack.service(consumer).kill();
            sleep(2000);
            stack.service(consumer).start(Duration.ofMinutes(2));
        }
        System.out.println("[faults] restarting the Kafka broker");
        stack.broker().close();
        sleep(3000);
        stack.broker().start();
        sleep(3000);
        System.out.println("[faults] PostgreSQL down for 15 s");
        stack.postgres().close();
        sleep(15_000);
        stack.postgres().start();
        sleep(3000);
        loading.set(false);
        load.join();

        int retried = 0;
        for (Long id : refused) { // Shopify retries whatever did not get a 2xx
            long deadline = System.currentTimeMillis() + 60_000;
            while (send(id) != 200) {
                assertTrue(System.currentTimeMillis() < deadline, "retry of " + id + " never accepted");
                sleep(500);
            }
            accepted.add(id);
            retried++;
        }
        int expected = accepted.size();
        System.out.printf("[faults] sent %d, answered 503 then retried %d, accepted %d%n", sent.get(), retried, expected);

        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!(storeRows() >= expected && tagged().size() >= expected && klaviyoUniqueIds().size() >= expected)) {
            assertTrue(System.nanoTime() < deadline, "sinks behind after 4 min: store " + storeRows() + ", tagged "
                    + tagged().size() + ", Klaviyo " + klaviyoUniqueIds().size() + " of " + expected);
            sleep(1000);
        }
        sleep(3000);
        JsonNode customers = store();
        assertEquals(expected, customers.path("total").asInt(), "one row per accepted booking customer");
        JsonNode report = report();
        assertEquals(expected, report.path("totals").path("CHECKOUT").asInt(), "one booking row per accepted booking");
        assertEquals(expected, report.path("bookingCustomers").asInt());
        Set<Long> tagged = tagged();
        assertEquals(accepted, tagged, "every accepted customer tagged (a repeated tagsAdd is a no-op in Shopify)");
        assertEquals(expected, klaviyoUniqueIds().size(), "one Klaviyo event per booking (unique_id)");
        System.out.printf("[faults] store rows %d, customers tagged %d (tagsAdd calls %d), Klaviyo unique ids %d"
                + " (requests %d): lost 0, doubled 0%n", customers.path("total").asInt(), tagged.size(),
                tagsAddCalls(), klaviyoUniqueIds().size(), klaviyoRequests());
    }

    static int send(long id) {
        byte[] body = EndToEndTest.order(id, id, "f" + id + "@faults.example", true);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(LocalDemo.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.service("ingest-service")
                    + "/webhooks/shopify")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
                    .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", SHOP)
                    .header("X-Shopify-Webhook-Id", "wh-" + id)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static JsonNode store() {
        try {
            return EventJson.mapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports.service("customer-store-service") + "/v1/customers?size=500&shop=" + SHOP))
                    .header("Authorization", "Bearer " + LocalDemo.STORE_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return EventJson.mapper().createObjectNode();
        }
    }

    static JsonNode report() {
        try {
            return EventJson.mapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports.service("customer-store-service") + "/v1/reports/bookings?shop=" + SHOP
                    + "&from=2026-11-20&to=2026-11-21"))
                    .header("Authorization", "Bearer " + LocalDemo.STORE_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return EventJson.mapper().createObjectNode();
        }
    }

    static int storeRows() {
        return store().path("total").asInt();
    }

    static Set<Long> tagged() {
        return standIn.server().findAll(postRequestedFor(urlPathMatching("/shopify/.*"))).stream()
                .map(r -> r.getBodyAsString()).filter(b -> b.contains("tagsAdd"))
                .map(b -> Long.parseLong(b.replaceAll(".*gid://shopify/Customer/(\\d+).*", "$1")))
                .collect(Collectors.toSet());
    }

    static long tagsAddCalls() {
        return standIn.server().findAll(postRequestedFor(urlPathMatching("/shopify/.*"))).stream()
                .filter(r -> r.getBodyAsString().contains("tagsAdd")).count();
    }

    static Set<String> klaviyoUniqueIds() {
        return Set.copyOf(standIn.klaviyoUniqueIds());
    }

    static int klaviyoRequests() {
        return standIn.server().findAll(postRequestedFor(urlPathMatching("/klaviyo/api/events"))).size();
    }

    static void awaitTrue(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not reached within " + timeout);
            sleep(500);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
