package io.customerflow.store;

import static org.awaitility.Awaitility.await;
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
 * Polls of different customers apply side by side.
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
        // The cancel makes its customer first; the confirmation that follows it applies in a later run, so the 150
        // customers can all be there a moment before every booking is: wait for the bookings, not the customers.
        JsonPath page = awaitCustomers(shop, p -> total(p) == 150
                && p.getList("items.instantBookings", Integer.class).stream().allMatch(n -> n != null && n >= 1));
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
                                new io.customerflow.events.Customer(null, "poison@example.com", "P\u0000NUL",
                                        "Name", null, null), null, null, null, null, java.util.List.of(), T0);
                        // The contract allows a NUL in a name; PostgreSQL refuses it in text, for good.
                        kafka.send(Topics.CUSTOMER_EVENTS, EventKeys.bookingKey(tooLong), new CloudEvent(
                                "batch-poison-1", EventType.BOOKING_CONFIRMED, "/test", null, T0).toHeaders(),
                                EventJson.toBytes(tooLong));
                    }
                    confirm(booking(shop, i));
                }
            });
            var dead = dlq.await(1, r -> "batch-poison-1".equals(CloudEvent.header(r.headers(), "ce_id")),
                    Duration.ofSeconds(30));
            assertTrue(CloudEvent.header(dead.get(0).headers(), "dead-letter-reason").contains("0x00"));
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

    /**
     * A slow database: one customer's row is locked by another transaction, so the run that upserts it can't finish.
     * The run is split (PostgreSQL's statement timeout, then halves) and the other customers of the run are stored
     * while the lock is held; the locked one follows once it is released. Retried whole, none would be.
     */
    @Test
    void aRunThatTimesOutIsSplitSoOnlyTheSlowEventWaits() throws Exception {
        String shop = "batch-slow.myshopify.com";
        try (var lock = aCustomerLocked(shop)) {
            whilePaused(() -> {
                for (int i = 1; i <= 40; i++) {
                    confirm(booking(shop, i));
                    if (i == 20) {
                        confirm(booking(shop, "ib_batch-slow_again", BookingChannel.INSTANT, "batch0@example.com",
                                "First0", "Last", null, null, T0.plusHours(1)));
                    }
                }
            });
            // Within the poll, all but the locked event apply.
            awaitCustomers(shop, p -> total(p) > 21);
            assertEquals(1, api().get("/v1/customers?shop=" + shop + "&email=batch0@example.com").then().extract()
                    .jsonPath().getInt("items[0].instantBookings"), "the locked customer waits");
            lock.commit();
        }
        awaitCustomers(shop, p -> total(p) == 41);
        await().atMost(Duration.ofSeconds(60)).until(() -> api().get("/v1/customers?shop=" + shop
                + "&email=batch0@example.com").then().extract().jsonPath().getInt("items[0].instantBookings") == 2);
    }

    /**
     * The poll after one held up by a lock applies beside it when it holds other customers (before, polls applied
     * strictly one after the other). At most two polls are held, so the one after that waits.
     */
    @Test
    void aPollOfAnotherCustomerAppliesWhileThePollBeforeItWaitsForALock() throws Exception {
        String shop = "batch-beside.myshopify.com";
        try (var lock = aCustomerLocked(shop)) {
            confirm(booking(shop, "ib_batch-beside_again", BookingChannel.INSTANT, "batch0@example.com", "First0",
                    "Last", null, null, T0.plusHours(1)));
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingForALock(lock));
            confirm(booking(shop, 1));
            awaitCustomers(shop, p -> total(p) == 2);
            assertEquals(1, customers(shop, "email=batch0@example.com").getInt("items[0].instantBookings"),
                    "the locked customer's poll still waits");
            lock.commit();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> customers(shop, "email=batch0@example.com")
                .getInt("items[0].instantBookings") == 2);
    }

    /** The shop's first customer, stored, then its row locked by a transaction of the test's own (committed by it). */
    private java.sql.Connection aCustomerLocked(String shop) throws java.sql.SQLException {
        confirm(booking(shop, 0));
        awaitCustomers(shop, p -> total(p) == 1);
        var db = io.customerflow.infra.TestInfrastructure.database();
        var lock = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
        lock.setAutoCommit(false);
        try (var st = lock.prepareStatement("select id from customer where shop = ? for update")) {
            st.setString(1, shop);
            st.executeQuery().close();
        }
        return lock;
    }

    private static boolean waitingForALock(java.sql.Connection c) throws java.sql.SQLException {
        try (var st = c.prepareStatement("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                + " and datname = current_database()"); var rs = st.executeQuery()) {
            return rs.next() && rs.getInt(1) > 0;
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
