package io.customerflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.customerflow.events.testing.EventSchemas;
import io.customerflow.infra.KafkaTestClient;
import io.customerflow.infra.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A booking product known only by its tag (the booking app's {@code sesami-service}, no marks on the line item): a
 * webhook's order is published at once, its booking follows once ingest has read the product's tags from the Admin API
 * (the stand-in), with the id a reconciliation pass would give it; through Shopify's 5xx and THROTTLED answers nothing
 * is lost and nothing doubled.
 */
@QuarkusTest
@TestProfile(ReconcileProfile.class)
class ProductTagBookingTest extends IngestTestBase {

    static final String SHOP = ReconcileProfile.RECONCILED;

    /** An order of one line item of this product, without any booking mark. */
    static byte[] orderOf(long orderId, long productId) throws IOException {
        ObjectNode order = (ObjectNode) EventJson.mapper().readTree(bookingOrder(orderId));
        ObjectNode item = order.putArray("line_items").addObject();
        item.put("id", orderId * 10).put("product_id", productId).put("variant_id", 9).put("title", "Hot Stone Massage")
                .put("variant_title", "90 Minutes").put("sku", "").put("quantity", 1).put("price", "120.00");
        item.putArray("properties").addObject().put("name", "_locale").put("value", "en");
        return EventJson.mapper().writeValueAsBytes(order);
    }

    static Predicate<ConsumerRecord<String, byte[]>> id(String ceId) {
        return r -> ceId.equals(header(r, "ce_id"));
    }

    long lookups() {
        return ReconcileProfile.shopify.calls(SHOP, "productTags").size();
    }

    @Test
    void theOrderIsPublishedAtOnceAndItsBookingFollowsOnceTheTagIsRead() throws IOException {
        long orderId = 6_200_001;
        ReconcileProfile.shopify.tagProduct(62_001, "Sesami-Service", "massage");
        long before = lookups();
        webhook("orders/create", orderOf(orderId, 62_001)).statusCode(200);
        assertTrue(published().stream().anyMatch(id(SHOP + "/order/" + orderId + "/created")),
                "the order is on Kafka when Shopify gets its 200");

        String bookingId = SHOP + "/" + orderId + "/" + orderId * 10;
        ConsumerRecord<String, byte[]> record = tail.await(1, id(bookingId), Duration.ofSeconds(20)).get(0);
        EventSchemas.assertValid(EventType.BOOKING_CONFIRMED, record.value());
        assertEquals(EventType.BOOKING_CONFIRMED.ceType(), header(record, "ce_type"));
        assertEquals("/shopify/" + SHOP, header(record, "ce_source"), "a live booking, as its webhook's would be");
        BookingEvent booking = EventJson.fromBytes(record.value(), BookingEvent.class);
        assertEquals("jane.doe@example.com", booking.customer().email());
        assertEquals(new BookingEvent.Money("120.00", "USD"), booking.price(), "the line item's price travels");
        assertEquals(90, booking.appointment().durationMinutes());
        assertKeyed(io.customerflow.events.EventKeys.bookingKey(booking), record);

        // Cancelled: the same product, read from the cache; the cancellation's booking id as a pass would give it.
        webhook("orders/cancelled", cancelled(orderOf(orderId, 62_001))).statusCode(200);
        tail.await(1, id(bookingId + "/cancelled"), Duration.ofSeconds(20));
        assertEquals(before + 1, lookups(), "one look-up per product while its tags are cached");
    }

    /** Whether the stand-in was asked for the tags of this product. */
    static boolean lookedUp(long productId) {
        return ReconcileProfile.shopify.calls(SHOP, "productTags").stream()
                .anyMatch(c -> c.body().contains("\"gid://shopify/Product/" + productId + "\""));
    }

    @Test
    void aProductWithoutTheTagIsNoBookingAndAShopWithoutATokenIsNotLookedUp() throws IOException {
        double noBooking = metric("ingest_booking_lookups_total", "outcome=\"no_booking\"");
        webhook("orders/create", orderOf(6_200_011, 62_011)).statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lookedUp(62_011)
                && metric("ingest_booking_lookups_total", "outcome=\"no_booking\"") > noBooking);

        double noAccess = metric("ingest_booking_lookups_total", "outcome=\"no_admin_access\"");
        byte[] elsewhere = orderOf(6_200_012, 803);
        webhook(elsewhere, headers("X-Shopify-Shop-Domain", "no-token-salon.myshopify.com")).statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> metric("ingest_booking_lookups_total", "outcome=\"no_admin_access\"") > noAccess);
        assertTrue(published().stream().noneMatch(r -> header(r, "ce_id").contains("/6200011/")
                && !header(r, "ce_id").contains("/order/")), "no booking for a product without the tag");
        assertTrue(published().stream().noneMatch(r -> header(r, "ce_id").startsWith("no-token-salon.myshopify.com/6200012/")),
                "no booking where the tags can't be read");
    }

    @Test
    void anOrderWhoseLineItemsAllSayWhatTheyAreIsSettledWithoutALookUp() throws IOException {
        // The sample's booking line item carries the booking app's marks (its other, unmarked item is dropped); its
        // product is tagged here, so a look-up would show. The reader settles such an order where it reads it.
        long orderId = 6_200_031;
        ObjectNode order = (ObjectNode) EventJson.mapper().readTree(bookingOrder(orderId));
        ((com.fasterxml.jackson.databind.node.ArrayNode) order.get("line_items")).remove(1);
        long productId = order.path("line_items").path(0).path("product_id").asLong();
        ReconcileProfile.shopify.tagProduct(productId, "sesami-service");
        double notNeeded = metric("ingest_booking_lookups_total", "outcome=\"not_needed\"");
        webhook("orders/create", EventJson.mapper().writeValueAsBytes(order)).statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> metric("ingest_booking_lookups_total", "outcome=\"not_needed\"") > notNeeded);
        assertTrue(!lookedUp(productId), "no look-up for an order its own line items decide");
        assertTrue(published().stream().anyMatch(id(SHOP + "/" + orderId + "/" + order.path("line_items").path(0)
                .path("id").asLong())), "its booking came with the order");
    }

    @Test
    void throughA5xxStormAndThrottlingEveryBookingIsPublishedOnce() throws IOException {
        ReconcileProfile.shopify.tagProduct(62_021, "sesami-service");
        ReconcileProfile.shopify.tagProduct(62_022, "sesami-service");
        ReconcileProfile.shopify.failNextLookups(SHOP, 3);
        String webhookId = UUID.randomUUID().toString();
        byte[] stormy = orderOf(6_200_021, 62_021);
        webhook("orders/create", stormy, SECRET, webhookId).statusCode(200);
        webhook("orders/create", stormy, SECRET, webhookId).statusCode(200); // Shopify's retry: the door's duplicate
        String first = SHOP + "/6200021/62000210";
        tail.await(1, id(first), Duration.ofSeconds(20));

        long throttledBefore = ReconcileProfile.shopify.throttled();
        ReconcileProfile.shopify.drain(SHOP, 60); // ~0.4 s of THROTTLED answers at 150 points/s
        webhook("orders/create", orderOf(6_200_022, 62_022)).statusCode(200);
        String second = SHOP + "/6200022/62000220";
        tail.await(1, id(second), Duration.ofSeconds(20));

        assertTrue(ReconcileProfile.shopify.throttled() > throttledBefore, "Shopify answered THROTTLED meanwhile");
        List<ConsumerRecord<String, byte[]>> all = recordsWithin(Duration.ofSeconds(2)); // anything late included
        assertEquals(1, all.stream().filter(id(first)).count(), "one booking through the storm and the retry");
        assertEquals(1, all.stream().filter(id(second)).count(), "one booking through the throttling");
    }

    @Test
    void aLookUpThatNeverSucceedsIsDeadLetteredWithItsReasonAndTheOrderIsKept() throws IOException {
        ReconcileProfile.shopify.tagProduct(62_031, "sesami-service");
        ReconcileProfile.shopify.failNextLookups(SHOP, 1000);
        try (var dlq = new KafkaTestClient(TestInfrastructure.kafka()).tail("ingest.dlq.v1")) {
            webhook("orders/create", orderOf(6_200_031, 62_031)).statusCode(200);
            assertTrue(published().stream().anyMatch(id(SHOP + "/order/6200031/created")), "the order is kept");
            ConsumerRecord<String, byte[]> dead = dlq.await(1, id(SHOP + "/order/6200031/created"),
                    Duration.ofSeconds(30)).get(0);
            String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(reason.contains("503"), reason);
        } finally {
            ReconcileProfile.shopify.failNextLookups(SHOP, 0);
        }
        assertTrue(published().stream().noneMatch(id(SHOP + "/6200031/62000310")), "no booking was guessed");
    }

    /**
     * A customer redacted before the webhook of their older order arrives (Shopify retries for hours): the order goes
     * on to the consumers, which suppress it; its booking by tag is never published.
     */
    @Test
    void aRedactedPersonsBookingIsNotPublishedByTheLookUp() throws IOException {
        ReconcileProfile.shopify.tagProduct(62_041, "sesami-service");
        ObjectNode redact = EventJson.mapper().createObjectNode().put("shop_id", 954889).put("shop_domain", SHOP);
        redact.putObject("customer").put("id", 62_041_001L).put("email", "forgotten@example.com");
        redact.putArray("orders_to_redact").add(6_200_041);
        webhook("customers/redact", EventJson.mapper().writeValueAsBytes(redact)).statusCode(200);

        ObjectNode order = (ObjectNode) EventJson.mapper().readTree(orderOf(6_200_041, 62_041));
        order.put("email", "forgotten@example.com").put("contact_email", "forgotten@example.com");
        order.putObject("customer").put("id", 62_041_001L).put("email", "forgotten@example.com")
                .put("first_name", "Forgotten");
        double noBooking = metric("ingest_booking_lookups_total", "outcome=\"no_booking\"");
        webhook("orders/create", EventJson.mapper().writeValueAsBytes(order)).statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lookedUp(62_041)
                && metric("ingest_booking_lookups_total", "outcome=\"no_booking\"") > noBooking);
        assertTrue(published().stream().noneMatch(id(SHOP + "/6200041/62000410")), "the redacted booker stays gone");
    }

    static byte[] cancelled(byte[] order) throws IOException {
        ObjectNode o = (ObjectNode) EventJson.mapper().readTree(order);
        o.put("cancelled_at", "2026-11-21T09:00:00-05:00");
        return EventJson.mapper().writeValueAsBytes(o);
    }
}
