package io.customerflow.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        // Listed by id: the four are different customers, whose polls may apply side by side, so in any order.
        Map<String, List<Object>> byEmail = new TreeMap<>();
        for (int i = 0; i < 4; i++) {
            String item = "items[" + i + "].";
            byEmail.put(page.getString(item + "email"), List.of(page.getString(item + "firstName"),
                    page.getString(item + "lastName"), page.getInt(item + "checkoutBookings"),
                    page.getInt(item + "instantBookings")));
        }
        assertEquals(Map.of("jane.doe@example.com", List.of("Jane", "Doe", 1, 0),
                "wang@example.cn", List.of("小明", "王", 0, 1),
                "taro@example.jp", List.of("太郎", "山田", 0, 1),
                "zoe@example.fr", List.of("Zoë", "Ørsted-Łukasiewicz", 0, 1)), byEmail);

        long janeId = customers(shop, "email=jane.doe@example.com").getLong("items[0].id");
        JsonPath jane = api().get("/v1/customers/" + janeId + "?shop=" + shop).then().statusCode(200).extract().jsonPath();
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
                api().get("/v1/customers/" + id + "?shop=" + shop).then().extract().jsonPath().getString("bookings[0].status")));
        send(EventType.BOOKING_CANCELLED, b.bookingId() + "/cancelled", EventKeys.bookingKey(b), b);
        await().atMost(Duration.ofSeconds(20)).until(() -> "CANCELLED".equals(
                api().get("/v1/customers/" + id + "?shop=" + shop).then().extract().jsonPath().getString("bookings[0].status")));
        assertNull(api().get("/v1/segments/booked-customers?shop=" + shop).then().extract().jsonPath()
                .get("customers[0]"), "a customer whose only booking is cancelled leaves the segment");
    }

    /** Shopify doesn't guarantee webhook order: every order of confirm, reschedule and cancel ends the same. */
    @Test
    void statusEventsConvergeWhateverOrderTheyArriveIn() {
        List<List<String>> orders = List.of(List.of("C", "R", "X"), List.of("C", "X", "R"), List.of("R", "C", "X"),
                List.of("R", "X", "C"), List.of("X", "C", "R"), List.of("X", "R", "C"));
        List<Map<String, Object>> outcomes = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            String shop = "order" + i + ".myshopify.com";
            // The same booking id in every shop, so the end states compare whole.
            BookingEvent booked = booking(shop, "checkout/50/1", BookingChannel.CHECKOUT, "swap@example.com", "Swap",
                    "Ped", 500L, 50L, T0);
            for (String step : orders.get(i)) {
                switch (step) {
                    // Event ids are global: the shop keeps them apart from the other runs' events.
                    case "C" -> apply(EventType.BOOKING_CONFIRMED, shop + "/confirmed", booked);
                    case "R" -> apply(EventType.BOOKING_RESCHEDULED, shop + "/rescheduled/1",
                            at(booked, T0.plusHours(1)));
                    default -> apply(EventType.BOOKING_CANCELLED, shop + "/cancelled", at(booked, T0.plusHours(2)));
                }
            }
            JsonPath detail = detail(shop);
            assertEquals("CANCELLED", detail.getString("bookings[0].status"), "order " + orders.get(i));
            assertEquals("2026-11-20T10:00:00Z", detail.getString("bookings[0].bookedAt"), "order " + orders.get(i));
            assertEquals("2026-11-20T12:00:00Z", detail.getString("bookings[0].updatedAt"), "order " + orders.get(i));
            Map<String, Object> state = new java.util.TreeMap<>(detail.getMap("$"));
            state.remove("id");
            state.remove("shop");
            outcomes.add(state);
        }
        assertEquals(1, outcomes.stream().distinct().count(), "every arrival order ends in the same state: " + outcomes);
        assertEquals(1, outcomes.get(0).get("checkoutBookings"));
        assertEquals("2026-11-20T10:00:00Z", outcomes.get(0).get("firstBookedAt"));
        assertEquals("2026-11-20T10:00:00Z", outcomes.get(0).get("lastBookedAt"));
    }

    @Test
    void aCancelOvertakingItsConfirmationIsKeptForIt() {
        String shop = "cancel-first.myshopify.com";
        BookingEvent booked = booking(shop, "ib_cancel_first_0000001", BookingChannel.INSTANT, "early@example.com",
                "Early", "Cancel", null, null, T0);
        assertEquals(EventApplier.Outcome.APPLIED,
                apply(EventType.BOOKING_CANCELLED, booked.bookingId() + "/cancelled", at(booked, T0.plusMinutes(5))));
        JsonPath before = detail(shop);
        assertEquals("CANCELLED", before.getString("bookings[0].status"));
        assertNull(before.get("bookings[0].bookedAt"), "not booked until the confirmation arrives");
        assertEquals(0, before.getInt("instantBookings"));
        assertEquals(0, api().get("/v1/segments/booked-customers?shop=" + shop).then().extract().jsonPath()
                .getInt("count"));

        assertEquals(EventApplier.Outcome.APPLIED, apply(EventType.BOOKING_CONFIRMED, booked.bookingId(), booked));
        JsonPath after = detail(shop);
        assertEquals("CANCELLED", after.getString("bookings[0].status"), "the late confirmation doesn't un-cancel");
        assertEquals("2026-11-20T10:00:00Z", after.getString("bookings[0].bookedAt"));
        assertEquals(1, after.getInt("instantBookings"));
        assertEquals(1, after.getList("bookings").size());
        assertEquals(0, api().get("/v1/segments/booked-customers?shop=" + shop).then().extract().jsonPath()
                .getInt("count"));
        // A redelivered or out-of-band confirmation changes nothing more.
        apply(EventType.BOOKING_CONFIRMED, booked.bookingId(), booked);
        apply(EventType.BOOKING_CONFIRMED, "orders-updated-repeat", booked);
        assertEquals(1, detail(shop).getInt("instantBookings"));
    }

    @Test
    void aLateOlderRescheduleNeverUncancelsButANewerOneMovesOn() {
        String shop = "late-reschedule.myshopify.com";
        BookingEvent booked = booking(shop, "ib_late_reschedule_00001", BookingChannel.INSTANT, "late@example.com",
                "Late", "Move", null, null, T0);
        apply(EventType.BOOKING_CONFIRMED, booked.bookingId(), booked);
        apply(EventType.BOOKING_CANCELLED, booked.bookingId() + "/cancelled", at(booked, T0.plusHours(2)));
        apply(EventType.BOOKING_RESCHEDULED, booked.bookingId() + "/rescheduled/a", at(booked, T0.plusHours(1)));
        assertEquals("CANCELLED", detail(shop).getString("bookings[0].status"));
        // A reschedule made after the cancel (the client rebooked that slot) is the latest word.
        apply(EventType.BOOKING_RESCHEDULED, booked.bookingId() + "/rescheduled/b", at(booked, T0.plusHours(3)));
        JsonPath detail = detail(shop);
        assertEquals("RESCHEDULED", detail.getString("bookings[0].status"));
        assertEquals("2026-11-20T13:00:00Z", detail.getString("bookings[0].updatedAt"));
    }

    /**
     * A new customer's row counts its booking as it is inserted: a booking that turns out confirmed before, or kept
     * for another customer, must not count on the new one (the customer's email changed on the order, say).
     */
    @Test
    void aBookingConfirmedUnderANewCustomerCountsOnlyWhereItsRowBelongs() {
        String shop = "moved-customer.myshopify.com";
        BookingEvent first = booking(shop, "ib_moved_00000000000001", BookingChannel.INSTANT, "old@example.com",
                "Mo", "Ved", null, null, T0);
        apply(EventType.BOOKING_CONFIRMED, first.bookingId(), first);
        BookingEvent again = booking(shop, first.bookingId(), BookingChannel.INSTANT, "new@example.com", "Mo", "Ved",
                null, null, T0.plusHours(1));
        assertEquals(EventApplier.Outcome.APPLIED, apply(EventType.BOOKING_CONFIRMED, "orders-updated-new-email",
                again));
        assertBookings(shop, "old@example.com", 1);
        assertBookings(shop, "new@example.com", 0);

        // A cancel kept the booking for one customer before its confirmation came with a new one.
        BookingEvent kept = booking(shop, "ib_moved_00000000000002", BookingChannel.INSTANT, "first@example.com",
                "Ke", "Pt", null, null, T0);
        apply(EventType.BOOKING_CANCELLED, kept.bookingId() + "/cancelled", at(kept, T0.plusMinutes(5)));
        BookingEvent confirmed = booking(shop, kept.bookingId(), BookingChannel.INSTANT, "second@example.com", "Ke",
                "Pt", null, null, T0);
        apply(EventType.BOOKING_CONFIRMED, confirmed.bookingId(), confirmed);
        assertBookings(shop, "first@example.com", 1);
        assertBookings(shop, "second@example.com", 0);
    }

    private static void assertBookings(String shop, String email, int count) {
        JsonPath page = customers(shop, "email=" + email);
        assertEquals(1, total(page), page.prettify());
        assertEquals(count, page.getInt("items[0].instantBookings"), email + ": " + page.prettify());
        if (count == 0) {
            assertNull(page.get("items[0].lastBookedAt"), page.prettify());
        }
    }

    private EventApplier.Outcome apply(EventType type, String ceId, BookingEvent b) {
        var record = EventRecord.of(EventKeys.bookingKey(b), new CloudEvent(ceId, type, "/test", null, b.occurredAt()),
                b);
        try {
            return VertxContextSupport.subscribeAndAwait(() -> applier.apply(record));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static BookingEvent at(BookingEvent b, OffsetDateTime time) {
        return new BookingEvent(b.bookingId(), b.channel(), b.shop(), b.customer(), b.order(), b.service(),
                b.appointment(), b.price(), b.properties(), time);
    }

    /** The shop's only customer, with bookings. */
    private static JsonPath detail(String shop) {
        JsonPath page = customers(shop, "");
        assertEquals(1, total(page));
        return api().get("/v1/customers/" + page.getLong("items[0].id") + "?shop=" + shop).then().statusCode(200)
                .extract().jsonPath();
    }
}
