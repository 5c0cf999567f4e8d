package io.customerflow.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.testing.EventSchemas;
import io.customerflow.infra.ShopifyAdminStandIn;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Reconciliation and backfill against a Shopify stand-in that serves pages of orders and enforces each shop's cost
 * bucket, with the real broker: what a pass publishes, what it leaves alone, and how it fails.
 */
@QuarkusTest
@TestProfile(ReconcileProfile.class)
class ReconcileTest extends IngestTestBase {

    private static final OffsetDateTime NOW = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);

    @Test
    void ordersShopifyNeverDeliveredAreFoundOnceAndDeliveredOnesAreNotRepeated() throws IOException {
        String shop = ReconcileProfile.RECONCILED;
        long throttledBefore = ReconcileProfile.shopify.throttled(); // another test of the profile drains a bucket
        // Updated just now (a reconciliation reads what changed since its checkpoint), created hours ago.
        OffsetDateTime updated = OffsetDateTime.now(ZoneOffset.UTC).withNano(0).minusSeconds(10);
        OffsetDateTime created = updated.minusHours(3);
        // Delivered by webhook: the same order Shopify will also list.
        long delivered = 5_100_001;
        ObjectNode rest = (ObjectNode) EventJson.mapper().readTree(bookingOrder(delivered));
        rest.put("created_at", created.toString());
        rest.put("updated_at", updated.toString());
        webhook("orders/create", EventJson.mapper().writeValueAsBytes(rest)).statusCode(200);
        awaitRecords(2);

        ReconcileProfile.shopify.addOrders(shop, List.of(
                ShopifyAdminStandIn.order(delivered, 7212345678901L, "jane.doe@example.com", created,
                        updated, null),
                ShopifyAdminStandIn.order(5_100_002, 81, "missed@example.com", created, updated.plusSeconds(2), null),
                ShopifyAdminStandIn.order(5_100_003, 82, "cancelled@example.com", created, updated.plusSeconds(5),
                        updated.plusSeconds(5))));

        List<ConsumerRecord<String, byte[]>> found = tail.await(6, fromPass(shop, "reconcile"), Duration.ofSeconds(30));
        Map<String, String> types = found.stream().collect(Collectors.toMap(r -> header(r, "ce_id"),
                r -> header(r, "ce_type")));
        assertEquals(Map.of(
                shop + "/order/5100002/created", EventType.ORDER_CREATED.ceType(),
                shop + "/5100002/51000021", EventType.BOOKING_CONFIRMED.ceType(),
                shop + "/order/5100003/created", EventType.ORDER_CREATED.ceType(),
                shop + "/5100003/51000031", EventType.BOOKING_CONFIRMED.ceType(),
                shop + "/order/5100003/cancelled", EventType.ORDER_CANCELLED.ceType(),
                shop + "/5100003/51000031/cancelled", EventType.BOOKING_CANCELLED.ceType()), types,
                "each missed webhook's events, and nothing for the order that came by webhook");
        for (ConsumerRecord<String, byte[]> r : found) {
            EventType type = EventType.fromCeType(header(r, "ce_type")).orElseThrow();
            EventSchemas.assertValid(type, r.value());
        }
        BookingEvent booking = EventJson.fromBytes(found.stream()
                .filter(r -> header(r, "ce_id").equals(shop + "/5100002/51000021")).findFirst().orElseThrow().value(),
                BookingEvent.class);
        assertEquals("missed@example.com", booking.customer().email());
        assertEquals("80.00", booking.price().amount());
        assertTrue(!booking.markedHistorical(), "a reconciled booking is live: the merchant's flows should run");

        // Later passes find nothing new: the checkpoint moved, and what was published is remembered as seen.
        double passes = metric("ingest_reconcile_passes_total", "kind=\"reconcile\"", "outcome=\"done\"");
        awaitTrue(() -> metric("ingest_reconcile_passes_total", "kind=\"reconcile\"", "outcome=\"done\"") >= passes + 3,
                "three more passes");
        assertEquals(found.size(), tail.drain(Duration.ofSeconds(1)).stream().filter(fromPass(shop, "reconcile"))
                .filter(r -> header(r, "ce_id").contains("/51000")).count(),
                "no pass after the first published anything for these orders");
        assertEquals(throttledBefore, ReconcileProfile.shopify.throttled(),
                "pacing never let a page overdraw the bucket");
    }

    /** The reconciler's two Kafka readers are supervised, and readiness says so (DOWN while one is down). */
    @Test
    void readinessReportsTheReconcilersBackgroundReaders() {
        java.util.regex.Pattern bothUp = java.util.regex.Pattern.compile("(?s).*\"background-loops\".*"
                + "\"orders-seen-reader\" *: *\"up.*\"reconcile-state-reader\" *: *\"up.*");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            String body = io.restassured.RestAssured.get("/q/health/ready").then().extract().asString();
            assertTrue(bothUp.matcher(body).matches(), body);
        });
    }

    /**
     * The seen table is bounded in time: an order last published longer ago than the retention (1 h here) is
     * forgotten by the leader and tombstoned on the compacted topic; a recent one stays. The leader skips only the
     * notes it wrote itself since it started leading (merged as it wrote them): another replica's are read.
     */
    @Test
    void ordersSeenLongerAgoThanTheRetentionAreTombstoned() {
        var kafka = new io.customerflow.infra.KafkaTestClient(io.customerflow.infra.TestInfrastructure.kafka());
        try (var topic = kafka.tail("test.orders-seen.v1")) {
            String old = ReconcileProfile.RECONCILED + "/77000001";
            String recent = ReconcileProfile.RECONCILED + "/77000002";
            kafka.send("test.orders-seen.v1", old, null, ("{\"updatedAt\":\"" + NOW.minusHours(2)
                    + "\",\"cancelled\":false}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            kafka.send("test.orders-seen.v1", recent, null, ("{\"updatedAt\":\"" + NOW.minusMinutes(5)
                    + "\",\"cancelled\":false}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            // A note another replica wrote while it led: marked with its session, which is not this one's.
            String oldOfAnother = ReconcileProfile.RECONCILED + "/77000003";
            var another = new org.apache.kafka.common.header.internals.RecordHeaders();
            another.add("cf-seen-writer", "a-session-of-another-replica".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            kafka.send("test.orders-seen.v1", oldOfAnother, another, ("{\"updatedAt\":\"" + NOW.minusHours(3)
                    + "\",\"cancelled\":false}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var tombstones = topic.await(2, r -> r.value() == null && (old.equals(r.key()) || oldOfAnother.equals(r.key())),
                    java.time.Duration.ofSeconds(30));
            assertEquals(2, tombstones.size(), "the old orders' tombstones, whoever wrote their notes");
            assertTrue(topic.drain(java.time.Duration.ofSeconds(3)).stream()
                    .noneMatch(r -> r.value() == null && recent.equals(r.key())), "the recent order is kept");
        } finally {
            kafka.close();
        }
    }

    @Test
    void aShopThatAnswers401IsCountedAndDoesNotHoldUpTheOthers() {
        awaitTrue(() -> metric("ingest_reconcile_problems_total", "reason=\"unauthorized\"") >= 2,
                "the revoked shop's failures counted");
        awaitTrue(() -> metric("ingest_reconcile_passes_total", "kind=\"reconcile\"", "outcome=\"done\"") >= 4,
                "the other shops' passes go on");
        String log = readLog();
        assertTrue(log.contains("[unauthorized]"), "the reason is logged");
        assertTrue(!log.contains("shpat_"), "no access token in the log");
    }

    @Test
    void malformedOrdersAndFailedPagesAreCountedAndTheRestIsPublished() {
        String shop = ReconcileProfile.RECONCILED;
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).withNano(0).minusSeconds(5);
        ObjectNode broken = ShopifyAdminStandIn.order(5_200_001, 91, "broken@example.com", at, at, null);
        broken.put("id", "gid://shopify/Order/not-a-number");
        ReconcileProfile.shopify.failNextPages(shop, 1);
        double failedPages = metric("ingest_reconcile_problems_total", "reason=\"graphql_error\"");
        double malformed = metric("ingest_reconcile_problems_total", "reason=\"malformed_order\"");
        ReconcileProfile.shopify.addOrders(shop, List.of(broken,
                ShopifyAdminStandIn.order(5_200_002, 92, "fine@example.com", at, at.plusSeconds(1), null)));

        List<ConsumerRecord<String, byte[]>> found = tail.await(2, r -> header(r, "ce_id").contains("/5200002"),
                Duration.ofSeconds(30));
        assertEquals(2, found.size(), "the good order's events after the failed page was read again");
        assertTrue(metric("ingest_reconcile_problems_total", "reason=\"graphql_error\"") > failedPages);
        assertTrue(metric("ingest_reconcile_problems_total", "reason=\"malformed_order\"") > malformed);
        assertTrue(tail.drain(Duration.ofMillis(500)).stream().noneMatch(r -> header(r, "ce_id").contains("not-a-number")));
    }

    @Test
    void aBackfillPublishesHistoricalBookingsAndReportsItsProgress() {
        String shop = ReconcileProfile.BACKFILL_ONLY;
        List<ObjectNode> orders = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            OffsetDateTime created = NOW.minusDays(90).plusHours(i * 24L);
            orders.add(ShopifyAdminStandIn.order(6_000_000 + i, 1000 + i, "past" + i + "@example.com", created,
                    created.plusMinutes(10), null));
        }
        // One from before the range: left alone.
        orders.add(ShopifyAdminStandIn.order(6_100_000, 999, "older@example.com", NOW.minusDays(200),
                NOW.minusDays(200), null));
        ReconcileProfile.shopify.addOrders(shop, orders);

        given().contentType("application/json").body("{\"shop\": \"" + shop + "\", \"since\": \"x\"}")
                .post("/v1/backfills").then().statusCode(401);
        given().auth().oauth2(API_KEY).contentType("application/json")
                .body("{\"shop\": \"" + shop + "\", \"since\": \"last spring\"}").post("/v1/backfills").then()
                .statusCode(400).body("errors[0].field", equalTo("since"));
        given().auth().oauth2(API_KEY).contentType("application/json")
                .body("{\"shop\": \"uptown-salon.myshopify.com\", \"since\": \"2026-01-01\"}").post("/v1/backfills")
                .then().statusCode(403);
        // Another caller spends from the same bucket all along, as tagging-service's writes do.
        java.util.concurrent.atomic.AtomicBoolean backfilling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread tagging = new Thread(() -> {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            while (backfilling.get()) {
                try {
                    http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ReconcileProfile.shopify
                            .urlTemplate().replace("{shop}", shop).replace("{version}", "2026-10")))
                            .header("X-Shopify-Access-Token", "shpat_tokyo").POST(java.net.http.HttpRequest
                                    .BodyPublishers.ofString("{\"query\": \"mutation tagsAdd($id: ID!, $tags: "
                                            + "[String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } } }\", "
                                            + "\"variables\": {\"id\": \"gid://shopify/Customer/1\"}}"))
                            .build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                    Thread.sleep(200);
                } catch (Exception e) {
                    return;
                }
            }
        });
        tagging.start();
        String since = NOW.minusDays(100).toLocalDate().toString();
        given().auth().oauth2(API_KEY).contentType("application/json")
                .body("{\"shop\": \"" + shop + "\", \"since\": \"" + since + "\"}").post("/v1/backfills").then()
                .statusCode(202).header("Location", containsString("/v1/backfills/" + shop))
                .body("status", equalTo("requested"));

        // One read per look: two reads could see "requested" and then "running" and pass for an ended backfill.
        awaitTrue(() -> !List.of("running", "requested").contains(given().auth().oauth2(API_KEY)
                .get("/v1/backfills/" + shop).then().statusCode(200).extract().<String>path("status")),
                "the backfill ends");
        backfilling.set(false);
        given().auth().oauth2(API_KEY).get("/v1/backfills/" + shop).then().body("status", equalTo("done"));
        given().auth().oauth2(API_KEY).get("/v1/backfills/" + shop).then().statusCode(200)
                .body("ordersTotal", equalTo(45)).body("ordersScanned", equalTo(45))
                .body("bookingsFound", equalTo(45)).body("etaSeconds", equalTo(0));
        assertEquals(45, metric("ingest_backfill_orders_scanned", "shop=\"" + shop + "\""));

        List<ConsumerRecord<String, byte[]>> bookings = tail.await(45, r -> fromPass(shop, "backfill").test(r)
                && header(r, "ce_type").equals(EventType.BOOKING_CONFIRMED.ceType()), Duration.ofSeconds(30));
        assertEquals(45, bookings.stream().map(r -> header(r, "ce_id")).distinct().count());
        for (ConsumerRecord<String, byte[]> r : bookings) {
            assertTrue(EventJson.fromBytes(r.value(), BookingEvent.class).markedHistorical());
        }
        List<ConsumerRecord<String, byte[]>> all = tail.drain(Duration.ofSeconds(1));
        assertTrue(all.stream().filter(r -> header(r, "ce_type").equals(EventType.ORDER_CREATED.ceType()))
                .filter(fromPass(shop, "backfill"))
                .allMatch(r -> EventJson.fromBytes(r.value(), OrderEvent.class).markedHistorical()));
        assertTrue(all.stream().noneMatch(r -> header(r, "ce_id").contains("6100000")), "outside the range");
        assertEquals(0, ReconcileProfile.shopify.calls(shop, "orders").stream().filter(c -> c.throttled()).count());
    }

    @Test
    void aShopThatUninstalledTheAppIsNoLongerReconciled() {
        String shop = ReconcileProfile.CLOSING;
        awaitTrue(() -> ReconcileProfile.shopify.calls(shop, "orders").size() >= 1, "the shop is reconciled");
        byte[] body = ("{\"id\": 1, \"myshopify_domain\": \"" + shop + "\"}").getBytes();
        webhook(body, headers("X-Shopify-Topic", "app/uninstalled", "X-Shopify-Shop-Domain", shop)).statusCode(200);
        awaitTrue(() -> metric("ingest_reconcile_problems_total", "reason=\"uninstalled\"") >= 1, "uninstall seen");
        sleep(Duration.ofSeconds(1)); // a page already in flight may still finish
        int calls = ReconcileProfile.shopify.calls(shop, "orders").size();
        sleep(Duration.ofSeconds(5)); // more than two intervals
        assertEquals(calls, ReconcileProfile.shopify.calls(shop, "orders").size(), "no page asked for after uninstall");
    }

    private static java.util.function.Predicate<ConsumerRecord<String, byte[]>> fromPass(String shop, String kind) {
        return r -> ("/shopify/" + shop + "/" + kind).equals(header(r, "ce_source"));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            sleep(Duration.ofMillis(200));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readLog() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("target/ingest-test.log"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
