package io.customerflow.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.testing.EventSchemas;
import io.customerflow.store.service.EventApplier;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;

/** Booking events from both channels become exactly the expected rows, exactly once. */
@QuarkusTest
class BookingStoreTest extends StoreTestBase {

    static final OffsetDateTime T0 = OffsetDateTime.parse("2026-11-20T10:00:00Z");

    @Inject
    EventApplier applier;

    @Test
    void bookingsFromBothChannelsBecomeCustomersWithNamesIntact() {
        String shop = "both-channels.myshopify.com";
        BookingEvent checkout = EventJson.fromBytes(EventSchemas.sample(EventType.BOOKING_CONFIRMED), BookingEvent.class);
        checkout = new BookingEvent(checkout.bookingId().replace("downtown-salon.myshopify.com", shop),
                checkout.channel(), shop, checkout.customer(), checkout.order(), checkout.service(),
                checkout.appointment(), checkout.price(), checkout.properties(), checkout.occurredAt());
        confirm(checkout);
        confirm(booking(shop, "ib_cjk0000000000000000001", BookingChannel.INSTANT, "wang@example.cn", "小明", "王", null,
                null, T0));
        confirm(booking(shop, "ib_jp00000000000000000001", BookingChannel.INSTANT, "taro@example.jp", "太郎", "山田",
                null, null, T0));
        confirm(booking(shop, "ib_fr00000000000000000001", BookingChannel.INSTANT, "zoe@example.fr", "Zoë",
                "Ørsted-Łukasiewicz", null, null, T0));

        JsonPath page = awaitCustomers(shop, p -> total(p) == 4);
        assertEquals(List.of("Jane", "小明", "太郎", "Zoë"), page.getList("items.firstName"));
        assertEquals(List.of("Doe", "王", "山田", "Ørsted-Łukasiewicz"), page.getList("items.lastName"));
        assertEquals(List.of(1, 0, 0, 0), page.getList("items.checkoutBookings"));
        assertEquals(List.of(0, 1, 1, 1), page.getList("items.instantBookings"));

        long janeId = page.getLong("items[0].id");
        JsonPath jane = api().get("/v1/customers/" + janeId).then().statusCode(200).extract().jsonPath();
        assertEquals("jane.doe@example.com", jane.getString("email"));
        assertEquals(7212345678901L, jane.getLong("shopifyCustomerId"));
        assertEquals(5531267940632L, jane.getLong("bookings[0].shopifyOrderId"));
        assertEquals("CHECKOUT", jane.getString("bookings[0].channel"));
    }

    @Test
    void redeliveredAndOutOfBandDuplicatesChangeNothing() {
        String shop = "duplicates.myshopify.com";
        BookingEvent b = booking(shop, "ib_dup000000000000000001", BookingChannel.INSTANT, "Dup@Example.com", "Dee",
                "Upp", null, null, T0);
        for (int i = 0; i < 3; i++) {
            confirm(b); // the same ce_id three times: Kafka redelivery or a client retry
        }
        // Out of band: a different event id for the same booking (e.g. orders/updated repeating orders/create).
        send(EventType.BOOKING_CONFIRMED, "other-id-for-the-same-booking", EventKeys.bookingKey(b), b);
        BookingEvent second = booking(shop, "ib_dup000000000000000002", BookingChannel.INSTANT, "dup@example.com ",
                null, null, null, null, T0.plusDays(1));
        confirm(second);

        JsonPath page = awaitCustomers(shop, p -> total(p) == 1 && p.getInt("items[0].instantBookings") == 2);
        // Give any stray duplicate the time to land, then check again.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> customers(shop, "").getInt("items[0].instantBookings") == 2);
        assertEquals("Dee", page.getString("items[0].firstName"), "a later event without a name keeps the name");
        assertEquals("dup@example.com", page.getString("items[0].email"), "the latest spelling, trimmed");
    }

    @Test
    void fiftyConcurrentFirstBookingsOfOneNewCustomerMakeOneCustomer() throws Exception {
        String shop = "concurrent.myshopify.com";
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<EventApplier.Outcome>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                BookingEvent b = booking(shop, "ib_race" + i, BookingChannel.INSTANT, "race@example.com", "Race", "Car",
                        null, null, T0.plusMinutes(i));
                var record = EventRecord.of(EventKeys.bookingKey(b),
                        new CloudEvent(b.bookingId(), EventType.BOOKING_CONFIRMED, "/test", null, T0), b);
                results.add(pool.submit(() -> {
                    try {
                        return VertxContextSupport.subscribeAndAwait(() -> applier.apply(record));
                    } catch (Throwable t) {
                        throw new IllegalStateException(t);
                    }
                }));
            }
            for (Future<EventApplier.Outcome> r : results) {
                assertEquals(EventApplier.Outcome.APPLIED, r.get());
            }
        } finally {
            pool.shutdown();
        }
        JsonPath page = customers(shop, "");
        assertEquals(1, total(page));
        assertEquals(50, page.getInt("items[0].instantBookings"));
        assertEquals("2026-11-20T10:00:00Z", page.getString("items[0].firstBookedAt"));
        assertEquals("2026-11-20T10:49:00Z", page.getString("items[0].lastBookedAt"));
    }

    @Test
    void cancellationAndRescheduleMoveTheBookingStatus() {
        String shop = "status.myshopify.com";
        BookingEvent b = booking(shop, "ib_status00000000000001", BookingChannel.INSTANT, "s@example.com", "S", "T",
                null, null, T0);
        confirm(b);
        send(EventType.BOOKING_RESCHEDULED, b.bookingId() + "/rescheduled/x", EventKeys.bookingKey(b), b);
        awaitCustomers(shop, p -> total(p) == 1);
        long id = customers(shop, "").getLong("items[0].id");
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESCHEDULED".equals(
                api().get("/v1/customers/" + id).then().extract().jsonPath().getString("bookings[0].status")));
        send(EventType.BOOKING_CANCELLED, b.bookingId() + "/cancelled", EventKeys.bookingKey(b), b);
        await().atMost(Duration.ofSeconds(20)).until(() -> "CANCELLED".equals(
                api().get("/v1/customers/" + id).then().extract().jsonPath().getString("bookings[0].status")));
        assertNull(api().get("/v1/segments/booked-customers?shop=" + shop).then().extract().jsonPath()
                .get("customers[0]"), "a customer whose only booking is cancelled leaves the segment");
    }
}
