package io.customerflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.store.messaging.Channels;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.ChannelRegistry;

/**
 * A backlog arrives as one poll (the channel is paused while it is produced): distinct customers' bookings apply in
 * one transaction, and a record that can never apply is dead-lettered alone, its neighbours applied exactly once.
 */
@QuarkusTest
class BatchApplyTest extends StoreTestBase {

    static final OffsetDateTime T0 = OffsetDateTime.parse("2026-11-20T10:00:00Z");

    @Inject
    MeterRegistry metrics;

    @Inject
    ChannelRegistry channels;

    @Test
    void aPollOfDistinctCustomersAppliesInOneTransactionAndConvergesOnOrder() {
        String shop = "batch-poll.myshopify.com";
        double duplicatesBefore = counter("duplicate");
        var early = booking(shop, 3);
        whilePaused(() -> {
            // A cancel overtaking its confirmation in the same poll: the run is cut there, the outcome is the same.
            send(EventType.BOOKING_CANCELLED, early.bookingId() + "/cancelled", EventKeys.bookingKey(early),
                    at(early, T0.plusHours(1)));
            for (int i = 0; i < 150; i++) {
                confirm(booking(shop, i));
            }
            confirm(booking(shop, 7)); // redelivered: the same event id
        });
        JsonPath page = awaitCustomers(shop, p -> total(p) == 150);
        for (int i = 0; i < 150; i++) {
            assertEquals(1, page.getInt("items[" + i + "].instantBookings"), page.prettify());
        }
        assertEquals(1.0, counter("duplicate") - duplicatesBefore);
        assertTrue(metrics.find("store.transaction.events").summary().max() >= 100,
                "the backlog applied in runs of at least 100 events");
        JsonPath cancelled = api().get("/v1/customers?shop=" + shop + "&email=batch3@example.com").then()
                .extract().jsonPath();
        long id = cancelled.getLong("items[0].id");
        JsonPath detail = api().get("/v1/customers/" + id + "?shop=" + shop).then().statusCode(200).extract()
                .jsonPath();
        assertEquals("CANCELLED", detail.getString("bookings[0].status"));
        assertEquals("2026-11-20T10:00:00Z", detail.getString("bookings[0].bookedAt"));
    }

    @Test
    void aRecordThatCanNeverApplyIsDeadLetteredAloneAndItsNeighboursApplyOnce() {
        String shop = "batch-poison.myshopify.com";
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            whilePaused(() -> {
                for (int i = 0; i < 60; i++) {
                    if (i == 30) {
                        var tooLong = new BookingEvent("ib_batch_poison", BookingChannel.INSTANT, shop,
                                new io.customerflow.events.Customer(null, "poison@example.com", "P".repeat(300),
                                        "Name", null, null), null, null, null, null, java.util.List.of(), T0);
                        // Around the schema check of send(): the contract says 255 at most.
                        kafka.send(Topics.CUSTOMER_EVENTS, EventKeys.bookingKey(tooLong), new CloudEvent(
                                "batch-poison-1", EventType.BOOKING_CONFIRMED, "/test", null, T0).toHeaders(),
                                EventJson.toBytes(tooLong));
                    }
                    confirm(booking(shop, i));
                }
            });
            var dead = dlq.await(1, r -> "batch-poison-1".equals(CloudEvent.header(r.headers(), "ce_id")),
                    Duration.ofSeconds(30));
            assertTrue(CloudEvent.header(dead.get(0).headers(), "dead-letter-reason").contains("value too long"));
            JsonPath page = awaitCustomers(shop, p -> total(p) == 60);
            for (int i = 0; i < 60; i++) {
                assertEquals(1, page.getInt("items[" + i + "].instantBookings"), page.prettify());
                assertTrue(page.getString("items[" + i + "].email").startsWith("batch"), "the poison is not stored");
            }
            // Only the poison record went to the dead-letter topic.
            assertEquals(0, dlq.drain(Duration.ofSeconds(2)).stream()
                    .filter(r -> CloudEvent.header(r.headers(), "ce_id").startsWith("ib_batch-poison")).count());
        }
    }

    private void whilePaused(Runnable produce) {
        var channel = channels.getPausable(Channels.CUSTOMER_EVENTS_IN);
        channel.pause();
        try {
            produce.run();
        } finally {
            channel.resume();
        }
    }

    private double counter(String outcome) {
        var c = metrics.find("store.events").tag("type", "booking_confirmed").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private static BookingEvent booking(String shop, int i) {
        return booking(shop, "ib_" + shop.substring(0, shop.indexOf('.')) + "_" + i, BookingChannel.INSTANT,
                "batch" + i + "@example.com",
                "First" + i, "Last", null, null, T0);
    }

    private static BookingEvent at(BookingEvent b, OffsetDateTime time) {
        return new BookingEvent(b.bookingId(), b.channel(), b.shop(), b.customer(), b.order(), b.service(),
                b.appointment(), b.price(), b.properties(), time);
    }
}
