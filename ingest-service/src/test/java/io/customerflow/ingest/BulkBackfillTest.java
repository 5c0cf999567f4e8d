package io.customerflow.ingest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.customerflow.infra.ShopifyAdminStandIn;
import io.customerflow.infra.ShopifyBulkStandIn;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Backfills read through a bulk operation from the Shopify stand-in (JSONL with {@code __parentId} line items, a
 * result address that expires, one operation per shop at a time): every booking published once, the shop's bucket
 * left to live work, a broken download resumed from its checkpoint, a failed or untrustworthy operation retried or
 * replaced by paging. Each test backfills its own window of the backfill-only shop, with orders of its own.
 */
@QuarkusTest
@TestProfile(ReconcileProfile.class)
class BulkBackfillTest extends IngestTestBase {

    private static final String SHOP = ReconcileProfile.BACKFILL_ONLY;
    private static final OffsetDateTime NOW = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);

    /**
     * 60 orders read from one operation's result, whose download breaks off mid-line after 50 lines (mid-batch, two
     * batches of 10 orders acknowledged): read on from the checkpoint, every booking once.
     */
    @Test
    void everyBookingOfTheWindowIsPublishedOnceThroughABrokenDownloadAndTheBucketIsLeftToLiveWork() {
        ShopifyBulkStandIn bulk = ReconcileProfile.shopify.bulk();
        int started = bulk.started();
        long ranges = bulk.rangeRequests();
        List<Long> ids = addOrders(7_000_000, 60, NOW.minusDays(400));
        int pagesBefore = ReconcileProfile.shopify.calls(SHOP, "orders").size();
        int startsBefore = ReconcileProfile.shopify.calls(SHOP, "bulkOperationRunQuery").size();
        bulk.cutNextAfter(50);

        JsonPath progress = backfill(NOW.minusDays(401), NOW.minusDays(399));

        assertEquals("done", progress.getString("status"), progress.prettify());
        assertEquals("bulk", progress.getString("readBy"));
        assertEquals(60, progress.getInt("ordersTotal"));
        assertEquals(60, progress.getInt("ordersScanned"));
        assertEquals(60, progress.getInt("bookingsFound"), "one booking per order; the second line item is none");
        assertTrue(bulk.rangeRequests() > ranges, "the read went on from its checkpoint (a Range request)");
        assertTrue(metric("ingest_reconcile_problems_total", "reason=\"download_interrupted\"") >= 1);
        List<ConsumerRecord<String, byte[]>> bookings = bookings(ids, 60);
        assertEquals(60, bookings.size(), "no booking published twice");
        assertEquals(60, bookings.stream().map(r -> header(r, "ce_id")).distinct().count());
        assertTrue(bookings.stream().allMatch(r -> EventJson.fromBytes(r.value(), BookingEvent.class)
                .markedHistorical()));
        assertEquals(1, bulk.started() - started, "one bulk operation");
        assertEquals(pagesBefore, ReconcileProfile.shopify.calls(SHOP, "orders").size(), "no page of orders");
        assertEquals(0, bulk.tokenLeaks(), "the result is fetched without the shop's token");
        // The bucket paid 10 points to start and 1 per status and count: nothing per order.
        List<ShopifyAdminStandIn.Call> starts = ReconcileProfile.shopify.calls(SHOP, "bulkOperationRunQuery");
        assertEquals(10, starts.subList(startsBefore, starts.size()).stream()
                .mapToInt(ShopifyAdminStandIn.Call::requestedCost).sum(), "one start, 10 points");
    }

    @Test
    void aFailedOperationOrAnExpiredResultIsStartedAgain() {
        ShopifyBulkStandIn bulk = ReconcileProfile.shopify.bulk();
        int started = bulk.started();
        double failed = metric("ingest_backfill_bulk_operations_total", "outcome=\"failed\"");
        double gone = metric("ingest_backfill_bulk_operations_total", "outcome=\"result_gone\"");
        List<Long> ids = addOrders(7_200_000, 12, NOW.minusDays(440));
        bulk.failNext(SHOP, 1);
        bulk.expireNext(SHOP, 2); // the failed one's and the next one's result

        JsonPath progress = backfill(NOW.minusDays(441), NOW.minusDays(439));

        assertEquals("done", progress.getString("status"), progress.prettify());
        assertEquals("bulk", progress.getString("readBy"));
        assertEquals(3, bulk.started() - started, "failed, expired, then read");
        assertEquals(failed + 1, metric("ingest_backfill_bulk_operations_total", "outcome=\"failed\""));
        assertEquals(gone + 1, metric("ingest_backfill_bulk_operations_total", "outcome=\"result_gone\""));
        assertEquals(12, bookings(ids, 12).size());
    }

    @Test
    void afterItsLastFailedOperationABackfillPagesInstead() {
        ShopifyBulkStandIn bulk = ReconcileProfile.shopify.bulk();
        List<Long> ids = addOrders(7_300_000, 14, NOW.minusDays(460));
        bulk.failNext(SHOP, 3); // ingest.reconcile.bulk.attempts

        JsonPath progress = backfill(NOW.minusDays(461), NOW.minusDays(459));

        assertEquals("done", progress.getString("status"), progress.prettify());
        assertEquals("pages", progress.getString("readBy"));
        assertEquals("bulk_failed", progress.getString("fallback"));
        assertEquals(14, progress.getInt("ordersScanned"));
        assertEquals(14, bookings(ids, 14).size());
    }

    /**
     * Shopify's default since 2026-01 is ungrouped: a line item whose order was read (and maybe published) before it
     * arrives. The result can't be trusted; the backfill pages instead and publishes the window's orders again
     * (same event ids, the consumers collapse them), so no booking of a late line item is lost.
     */
    @Test
    void aResultWhoseLineItemsAreNotNextToTheirOrdersIsNotTrusted() {
        ShopifyBulkStandIn bulk = ReconcileProfile.shopify.bulk();
        List<Long> ids = addOrders(7_400_000, 25, NOW.minusDays(480));
        bulk.ignoreGrouping(true);
        try {
            JsonPath progress = backfill(NOW.minusDays(481), NOW.minusDays(479));

            assertEquals("done", progress.getString("status"), progress.prettify());
            assertEquals("pages", progress.getString("readBy"));
            assertEquals("ungrouped_result", progress.getString("fallback"));
        } finally {
            bulk.ignoreGrouping(false);
        }
        List<ConsumerRecord<String, byte[]>> bookings = bookings(ids, 25);
        assertEquals(25, bookings.stream().map(r -> header(r, "ce_id")).distinct().count(), "every booking found");
    }

    @Test
    void aBulkQueryAlreadyRunningInTheShopIsWaitedFor() {
        ShopifyBulkStandIn bulk = ReconcileProfile.shopify.bulk();
        double busy = metric("ingest_backfill_bulk_operations_total", "outcome=\"busy\"");
        List<Long> ids = addOrders(7_500_000, 5, NOW.minusDays(500));
        // Another operation of the app in this shop (one a crashed replica started), running until the test ends it.
        String other = bulk.startOther(SHOP);
        given().auth().oauth2(API_KEY).contentType("application/json").body(Map.of("shop", SHOP, "since",
                NOW.minusDays(501).toString(), "until", NOW.minusDays(499).toString())).post("/v1/backfills").then()
                .statusCode(202);
        await("Shopify's refusal is seen").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> metric("ingest_backfill_bulk_operations_total", "outcome=\"busy\"") > busy);
        bulk.complete(other);

        JsonPath progress = awaitEnd();
        assertEquals("done", progress.getString("status"), progress.prettify());
        assertEquals("bulk", progress.getString("readBy"));
        assertEquals(5, bookings(ids, 5).size());
    }

    /** Orders of the backfill-only shop created an hour apart from {@code first}: a booking and a plain item each. */
    private static List<Long> addOrders(long firstId, int count, OffsetDateTime first) {
        List<ObjectNode> orders = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = firstId + i;
            OffsetDateTime created = first.plusMinutes(i);
            ObjectNode order = ShopifyAdminStandIn.order(id, id + 100_000_000L, "b" + id + "@example.com", created,
                    created.plusMinutes(5), null);
            if (i % 2 == 0) {
                ObjectNode plain = ((com.fasterxml.jackson.databind.node.ArrayNode) order.path("lineItems")
                        .path("nodes")).addObject();
                plain.put("id", "gid://shopify/LineItem/" + (id * 10 + 2)).put("quantity", 1).put("sku", "OIL")
                        .put("title", "Massage oil").putNull("variantTitle");
                plain.putObject("product").put("id", "gid://shopify/Product/900").putArray("tags");
                plain.putObject("variant").put("id", "gid://shopify/ProductVariant/9001");
                plain.putArray("customAttributes");
                plain.putObject("originalUnitPriceSet").putObject("shopMoney").put("amount", "12.00");
            }
            orders.add(order);
            ids.add(id);
        }
        ReconcileProfile.shopify.addOrders(SHOP, orders);
        return ids;
    }

    /** Requests a backfill of the window and waits for its end; its last progress. */
    private static JsonPath backfill(OffsetDateTime since, OffsetDateTime until) {
        given().auth().oauth2(API_KEY).contentType("application/json").body(Map.of("shop", SHOP, "since",
                since.toString(), "until", until.toString())).post("/v1/backfills").then().statusCode(202);
        return awaitEnd();
    }

    private static JsonPath awaitEnd() {
        // One read per look: two reads could see "requested" and then "running" and pass for an ended backfill.
        java.util.concurrent.atomic.AtomicReference<JsonPath> last = new java.util.concurrent.atomic.AtomicReference<>();
        await("the backfill ends").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last.set(given().auth().oauth2(API_KEY).get("/v1/backfills/" + SHOP).then().statusCode(200).extract()
                    .jsonPath());
            return !List.of("running", "requested").contains(last.get().getString("status"));
        });
        return last.get();
    }

    /**
     * The booking.confirmed records of these orders: all of them once the backfill ended, as a pass is done only
     * after Kafka acknowledged everything it published.
     */
    private List<ConsumerRecord<String, byte[]>> bookings(List<Long> orders, int expected) {
        Predicate<ConsumerRecord<String, byte[]>> ofThese = r -> header(r, "ce_type")
                .equals(EventType.BOOKING_CONFIRMED.ceType()) && orders.stream()
                        .anyMatch(id -> header(r, "ce_id").contains("/" + id + "/"));
        return tail.toEnd().stream().filter(ofThese).collect(Collectors.toList());
    }
}
