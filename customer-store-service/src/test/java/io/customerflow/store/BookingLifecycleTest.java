package io.customerflow.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Completed and no-show steps, of both channels, through the real broker: status kept, counted in the report. */
@QuarkusTest
class BookingLifecycleTest extends StoreTestBase {

    static final OffsetDateTime DAY = OffsetDateTime.parse("2026-11-24T09:00:00Z");

    @Test
    void stepsSetTheStatusAndTheReportCountsThemPerDayAndChannel() {
        String shop = "lifecycle.myshopify.com";
        var ann = booking(shop, shop + "/7001/1", BookingChannel.CHECKOUT, "ann@example.com", "Ann", "A", 71L, 7001L, DAY);
        var ben = booking(shop, shop + "/7002/1", BookingChannel.CHECKOUT, "ben@example.com", "Ben", "B", 72L, 7002L, DAY);
        var cho = booking(shop, "ib_lifecycle_cho", BookingChannel.INSTANT, "cho@example.jp", "千代", "長", null, null, DAY);
        var dan = booking(shop, "ib_lifecycle_dan", BookingChannel.INSTANT, "dan@example.com", "Dan", "D", null, null, DAY);
        List.of(ann, ben, cho, dan).forEach(StoreTestBase::confirm);
        step(EventType.BOOKING_COMPLETED, ann, DAY.plusDays(2));
        step(EventType.BOOKING_NO_SHOW, ben, DAY.plusDays(2));
        step(EventType.BOOKING_COMPLETED, cho, DAY.plusDays(3));
        step(EventType.BOOKING_COMPLETED, cho, DAY.plusDays(3)); // a repeated report: the same event id
        step(EventType.BOOKING_NO_SHOW, dan, DAY.plusDays(3));

        JsonPath report = awaitReport(shop, r -> r.getList("days").size() == 2
                && r.getInt("days[0].completed") + r.getInt("days[1].completed") == 2
                && r.getInt("days[0].noShow") + r.getInt("days[1].noShow") == 2);
        assertEquals(List.of(
                Map.of("date", "2026-11-24", "channel", "CHECKOUT", "bookings", 2, "cancelled", 0, "completed", 1, "noShow", 1),
                Map.of("date", "2026-11-24", "channel", "INSTANT", "bookings", 2, "cancelled", 0, "completed", 1, "noShow", 1)),
                report.getList("days"));
        assertEquals("COMPLETED", bookingOf(shop, "cho@example.jp").getString("bookings[0].status"));
        assertEquals("2026-11-27T09:00:00Z", bookingOf(shop, "cho@example.jp").getString("bookings[0].updatedAt"));
        assertEquals("NO_SHOW", bookingOf(shop, "ben@example.com").getString("bookings[0].status"));
        assertEquals(1, bookingOf(shop, "cho@example.jp").getInt("instantBookings"), "a step is not a booking");
    }

    /** The booking app may report the visit before the order's webhook (or the instant booking) arrives. */
    @Test
    void aStepThatArrivesBeforeItsBookingIsKeptAndTheBookingThenCounts() {
        String shop = "lifecycle-early.myshopify.com";
        var eve = booking(shop, shop + "/7101/1", BookingChannel.CHECKOUT, "eve@example.com", "Eve", "E", 81L, 7101L, DAY);
        var fay = booking(shop, "ib_lifecycle_fay", BookingChannel.INSTANT, "fay@example.com", "Fay", "F", null, null, DAY);
        step(EventType.BOOKING_NO_SHOW, eve, DAY.plusDays(1));
        step(EventType.BOOKING_COMPLETED, fay, DAY.plusDays(1));
        awaitCustomers(shop, p -> total(p) == 2);
        JsonPath early = bookingOf(shop, "eve@example.com");
        assertEquals("NO_SHOW", early.getString("bookings[0].status"));
        assertNull(early.get("bookings[0].bookedAt"), "not booked until its confirmation arrives");
        assertEquals(0, api().get("/v1/reports/bookings?shop=" + shop + "&from=2026-11-24&to=2026-11-24").then()
                .extract().jsonPath().getList("days").size());

        confirm(eve);
        confirm(fay);
        JsonPath report = awaitReport(shop, r -> r.getList("days").size() == 2);
        assertEquals(List.of(0, 1), report.getList("days.completed"));
        assertEquals(List.of(1, 0), report.getList("days.noShow"));
        assertEquals(List.of("CHECKOUT", "INSTANT"), report.getList("days.channel"));
        assertEquals("NO_SHOW", bookingOf(shop, "eve@example.com").getString("bookings[0].status"),
                "the late confirmation (older) doesn't undo the step");
        assertEquals("2026-11-24T09:00:00Z", bookingOf(shop, "eve@example.com").getString("bookings[0].bookedAt"));
        assertEquals("COMPLETED", bookingOf(shop, "fay@example.com").getString("bookings[0].status"));
        assertEquals(1, bookingOf(shop, "fay@example.com").getInt("instantBookings"));
    }

    private static void step(EventType type, BookingEvent b, OffsetDateTime at) {
        var s = new BookingEvent(b.bookingId(), b.channel(), b.shop(), b.customer(), b.order(), null, null, null,
                List.of(), at);
        send(type, b.bookingId() + "/" + type.name().toLowerCase(), EventKeys.bookingKey(s), s);
    }

    private static JsonPath awaitReport(String shop, java.util.function.Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> condition.test(
                last[0] = api().get("/v1/reports/bookings?shop=" + shop + "&from=2026-11-24&to=2026-11-24").then()
                        .statusCode(200).extract().jsonPath()));
        return last[0];
    }

    private static JsonPath bookingOf(String shop, String email) {
        long id = customers(shop, "email=" + email).getLong("items[0].id");
        return api().get("/v1/customers/" + id + "?shop=" + shop).then().statusCode(200).extract().jsonPath();
    }
}
