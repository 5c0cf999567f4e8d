package io.customerflow.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.customerflow.events.AppUninstalled;
import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.CustomerDataRequested;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.ShopRedactRequested;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Shopify's privacy webhooks: redact erases exactly that customer for good; data requests export what is held. */
@QuarkusTest
class PrivacyTest extends StoreTestBase {

    static final OffsetDateTime T0 = OffsetDateTime.parse("2026-11-01T09:00:00Z");

    @Inject
    MeterRegistry registry;

    @Test
    void redactErasesOnlyThatCustomerAndReplayedOldEventsDoNotResurrectThem() {
        String shop = "redact.myshopify.com";
        BookingEvent jane = booking(shop, shop + "/1/1", BookingChannel.CHECKOUT, "jane@example.com", "Jane", "Doe",
                71L, 1L, T0);
        BookingEvent janeInstant = booking(shop, "ib_redact_jane", BookingChannel.INSTANT, "JANE@example.com", "Jane",
                "Doe", null, null, T0.plusHours(1));
        BookingEvent bob = booking(shop, shop + "/2/1", BookingChannel.CHECKOUT, "bob@example.com", "Bob", "Roe", 72L,
                2L, T0);
        confirmInTurn(jane, janeInstant, bob);
        awaitCustomers(shop, p -> total(p) == 2 && p.getInt("items[0].instantBookings") == 1);
        JsonPath before = report(shop);
        assertEquals(Map.of("CHECKOUT", 2, "INSTANT", 1), before.getMap("totals"));
        assertEquals(2, before.getInt("bookingCustomers"));

        var redact = new CustomerRedactRequested(shop, 71L, "jane@example.com", List.of(1L), T0.plusDays(10));
        send(EventType.CUSTOMER_REDACT_REQUESTED, "redact-1", EventKeys.customerKey(shop, "jane@example.com", 71L, "p"),
                redact);
        JsonPath left = awaitCustomers(shop, p -> total(p) == 1);
        assertEquals("Bob", left.getString("items[0].firstName"));
        JsonPath after = report(shop);
        assertEquals(Map.of("CHECKOUT", 1), after.getMap("totals"), "her bookings left the report");
        assertEquals(1, after.getInt("bookingCustomers"));

        // A replay of Jane's old bookings (new event ids, as a reprocessing job would produce) must not bring her
        // back: both are consumed and skipped as redacted, and nothing of hers reappears.
        double skipped = skippedRedacted();
        send(EventType.BOOKING_CONFIRMED, "replay-1", EventKeys.bookingKey(jane), jane);
        send(EventType.BOOKING_CONFIRMED, "replay-2", EventKeys.bookingKey(janeInstant), janeInstant);
        send(EventType.BOOKING_CANCELLED, "replay-3", EventKeys.bookingKey(jane), jane);
        // A cancellation dated after the redaction, of a booking the redaction erased, must not bring her back either.
        BookingEvent lateCancel = booking(shop, shop + "/1/1", BookingChannel.CHECKOUT, "jane@example.com", "Jane",
                "Doe", 71L, 1L, T0.plusDays(12));
        send(EventType.BOOKING_CANCELLED, "late-cancel-1", EventKeys.bookingKey(lateCancel), lateCancel);
        awaitSkippedRedacted(skipped, 4);
        assertEquals(0, customers(shop, "email=jane@example.com").getInt("total"));
        assertEquals(1, total(customers(shop, "")));
        assertEquals(after.getMap("$"), report(shop).getMap("$"), "the replays left the report as it was");

        // She may come back as a new customer with a new booking after the redaction.
        confirm(booking(shop, "ib_redact_jane_later", BookingChannel.INSTANT, "jane@example.com", "Jane", "Doe", null,
                null, T0.plusDays(20)));
        awaitCustomers(shop, p -> total(p) == 2);
    }

    @Test
    void redactAlsoErasesTheOrdersToRedactWhoeverTheyAreFiledUnder() {
        String shop = "orders-redact.myshopify.com";
        BookingEvent guestOnly = booking(shop, shop + "/7/1", BookingChannel.CHECKOUT, "guest1@example.com", "Gus",
                "One", null, 7L, T0);
        confirmInTurn(booking(shop, shop + "/6/1", BookingChannel.CHECKOUT, "ana@example.com", "Ana", "A", 80L, 6L, T0),
                guestOnly,
                booking(shop, shop + "/9/1", BookingChannel.CHECKOUT, "guest2@example.com", "Gil", "Two", null, 9L, T0),
                booking(shop, shop + "/10/1", BookingChannel.CHECKOUT, "guest2@example.com", "Gil", "Two", null, 10L,
                        T0.plusDays(1)),
                booking(shop, shop + "/11/1", BookingChannel.CHECKOUT, "carl@example.com", "Carl", "C", 81L, 11L, T0));
        awaitCustomers(shop, p -> total(p) == 4 && p.getInt("items[2].checkoutBookings") == 2);

        send(EventType.CUSTOMER_REDACT_REQUESTED, "orders-redact-1", EventKeys.customerKey(shop, "ana@example.com", 80L,
                "p"), new CustomerRedactRequested(shop, 80L, "ana@example.com", List.of(7L, 9L), T0.plusDays(10)));
        JsonPath left = awaitCustomers(shop, p -> total(p) == 2);
        assertEquals(List.of("Gil", "Carl"), left.getList("items.firstName"),
                "Ana by identity, and the guest whose only order was redacted");
        assertEquals(1, left.getInt("items[0].checkoutBookings"), "recounted from the bookings left");
        assertEquals("2026-11-02T09:00:00Z", left.getString("items[0].firstBookedAt"));
        long gil = left.getLong("items[0].id");
        assertEquals(List.of(shop + "/10/1"), api().get("/v1/customers/" + gil + "?shop=" + shop).then()
                .statusCode(200).extract().jsonPath().getList("bookings.bookingId"));
        assertEquals(Map.of("CHECKOUT", 2), report(shop).getMap("totals"));

        // A replay of a redacted order, filed under the guest's identity, stays out too.
        double skipped = skippedRedacted();
        send(EventType.BOOKING_CONFIRMED, "orders-replay-1", EventKeys.bookingKey(guestOnly), guestOnly);
        awaitSkippedRedacted(skipped, 1);
        assertEquals(0, total(customers(shop, "email=guest1@example.com")));
    }

    @Test
    void shopRedactEmptiesTheShopAndOnlyThatShop() {
        String shop = "gone.myshopify.com";
        String other = "stays.myshopify.com";
        List<BookingEvent> old = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            old.add(booking(shop, "ib_gone" + i, BookingChannel.INSTANT, "c" + i + "@example.com", "C" + i, "X", null,
                    null, T0));
            confirm(old.get(i));
        }
        confirm(booking(other, "ib_stays", BookingChannel.INSTANT, "c0@example.com", "C0", "X", null, null, T0));
        awaitCustomers(shop, p -> total(p) == 3);
        awaitCustomers(other, p -> total(p) == 1);

        // Shopify sends shop/redact 48 hours after the uninstall; both are keyed by the shop, so in this order.
        double batches = eraseBatches();
        send(EventType.APP_UNINSTALLED, "uninstall-gone-1", EventKeys.shopKey(shop),
                new AppUninstalled(shop, T0.plusDays(3)));
        send(EventType.SHOP_REDACT_REQUESTED, "shop-redact-1", EventKeys.shopKey(shop),
                new ShopRedactRequested(shop, 1L, T0.plusDays(5)));
        awaitCustomers(shop, p -> total(p) == 0);
        assertEquals(1, total(customers(other, "")));
        // Three customers in batches of two (the test profile's store.consumer.shop-erase-batch): two transactions.
        assertEquals(2.0, eraseBatches() - batches);

        // Replays of the shop's old bookings are consumed and skipped: the shop stays empty.
        double skipped = skippedRedacted();
        for (int i = 0; i < old.size(); i++) {
            send(EventType.BOOKING_CONFIRMED, "shop-replay-" + i, EventKeys.bookingKey(old.get(i)), old.get(i));
        }
        awaitSkippedRedacted(skipped, old.size());
        assertEquals(0, total(customers(shop, "")));
        assertEquals(Map.of(), report(shop).getMap("totals"));
        assertEquals(0, report(shop).getInt("bookingCustomers"));
    }

    @Test
    void shopRedactOfAShopThatNeverUninstalledIsRefusedAndTheShopKept() {
        String shop = "still-installed.myshopify.com";
        confirm(booking(shop, "ib_kept", BookingChannel.INSTANT, "kept@example.com", "K", "X", null, null, T0));
        awaitCustomers(shop, p -> total(p) == 1);
        try (var dlq = kafka.tail("customer-store.dlq.v1")) {
            // A captured shop/redact body re-sent with a far future time: refused, and the time is never kept.
            send(EventType.SHOP_REDACT_REQUESTED, "shop-redact-forged", EventKeys.shopKey(shop),
                    new ShopRedactRequested(shop, 1L, OffsetDateTime.parse("2100-01-01T00:00:00Z")));
            var dead = dlq.await(1, Duration.ofSeconds(30));
            assertEquals(1, dead.size());
            assertTrue(CloudEvent.header(dead.get(0).headers(), "dead-letter-reason").contains("app/uninstalled"));
        }
        assertEquals(1, total(customers(shop, "")));
        // A later booking of the shop is stored: nothing was marked redacted.
        confirm(booking(shop, "ib_later", BookingChannel.INSTANT, "later@example.com", "L", "X", null, null,
                T0.plusDays(1)));
        awaitCustomers(shop, p -> total(p) == 2);
    }

    @Test
    void aRedactionTimeInTheFutureCountsAsNowSoLaterBookingsAreKept() {
        String shop = "future-redact.myshopify.com";
        BookingEvent before = booking(shop, "ib_future_0", BookingChannel.INSTANT, "f@example.com", "F", "X", null,
                null, T0);
        confirm(before);
        awaitCustomers(shop, p -> total(p) == 1);
        send(EventType.CUSTOMER_REDACT_REQUESTED, "redact-future", EventKeys.bookingKey(before),
                new CustomerRedactRequested(shop, null, "f@example.com", List.of(),
                        OffsetDateTime.parse("2100-01-01T00:00:00Z")));
        awaitCustomers(shop, p -> total(p) == 0);
        // The same person books again, after the redaction was applied: a new booking, kept.
        confirm(booking(shop, "ib_future_1", BookingChannel.INSTANT, "f@example.com", "F", "X", null, null,
                OffsetDateTime.now().plusMinutes(1)));
        awaitCustomers(shop, p -> total(p) == 1);
    }

    /** Events the store consumed and skipped because their subject was redacted, of every type. */
    private double eraseBatches() {
        Counter c = registry.find("store.shop.erase.batches").counter();
        return c == null ? 0 : c.count();
    }

    private double skippedRedacted() {
        return registry.find("store.events").tag("outcome", "skipped_redacted").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Waits until exactly {@code count} more events were skipped as redacted. */
    private void awaitSkippedRedacted(double before, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> skippedRedacted() - before >= count);
        assertEquals(count, skippedRedacted() - before, 0.0);
    }

    private static JsonPath report(String shop) {
        return api().get("/v1/reports/bookings?shop=" + shop + "&from=2026-10-01&to=2026-12-31").then()
                .statusCode(200).extract().jsonPath();
    }

    @Test
    void dataRequestExportsWhatIsHeld() {
        String shop = "export.myshopify.com";
        confirm(booking(shop, shop + "/9/1", BookingChannel.CHECKOUT, "Ana@Example.com", "Ana", "Souza", 90L, 9L, T0));
        confirm(booking(shop, "ib_export_ana", BookingChannel.INSTANT, "ana@example.com", "Ana", "Souza", null, null,
                T0.plusDays(1)));
        JsonPath held = awaitCustomers(shop, p -> total(p) == 1 && p.getInt("items[0].instantBookings") == 1);

        send(EventType.CUSTOMER_DATA_REQUESTED, "data-request-1", EventKeys.customerKey(shop, "ana@example.com", 90L, "p"),
                new CustomerDataRequested(shop, 90L, "ana@example.com", List.of(9L), 555L, T0.plusDays(2)));

        JsonPath[] exports = new JsonPath[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> (exports[0] = api()
                .get("/v1/data-requests?shop=" + shop).then().statusCode(200).extract().jsonPath())
                .getList("$").size() == 1);
        JsonPath export = exports[0];
        assertEquals(555, export.getInt("[0].dataRequestId"));
        assertEquals(held.getString("items[0].email"), export.getString("[0].content.customers[0].email"));
        assertEquals("Souza", export.getString("[0].content.customers[0].lastName"));
        assertEquals(List.of(shop + "/9/1", "ib_export_ana"),
                export.getList("[0].content.customers[0].bookings.bookingId"));
    }

    /**
     * Shopify sends a data request and a redaction of one customer moments apart: each is applied, in order, in a
     * session of its own (once, the redaction waited forever on the data request's session).
     */
    @Test
    void aDataRequestFollowedAtOnceByARedactionAppliesBoth() {
        String shop = "request-then-redact.myshopify.com";
        confirm(booking(shop, "ib_rtr_jo", BookingChannel.INSTANT, "jo@example.com", "Jo", "Ng", null, null, T0));
        awaitCustomers(shop, p -> total(p) == 1);
        send(EventType.CUSTOMER_DATA_REQUESTED, "rtr-data-request", EventKeys.customerKey(shop, "jo@example.com", null, "p"),
                new CustomerDataRequested(shop, null, "jo@example.com", List.of(), 4242L, T0.plusDays(1)));
        send(EventType.CUSTOMER_REDACT_REQUESTED, "rtr-redact", EventKeys.customerKey(shop, "jo@example.com", null, "p"),
                new CustomerRedactRequested(shop, null, "jo@example.com", List.of(), T0.plusDays(2)));
        awaitCustomers(shop, p -> total(p) == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> applied("customer_data_requested") >= 1);
        assertEquals(List.of(), api().get("/v1/data-requests?shop=" + shop).then().extract().jsonPath().getList("$"),
                "the redaction erased the export the data request had made");
    }

    private double applied(String type) {
        Counter c = registry.find("store.events").tag("type", type).tag("outcome", "applied").counter();
        return c == null ? 0 : c.count();
    }
}
