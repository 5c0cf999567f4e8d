package io.customerflow.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CustomerDataRequested;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.ShopRedactRequested;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Shopify's privacy webhooks: redact erases exactly that customer for good; data requests export what is held. */
@QuarkusTest
class PrivacyTest extends StoreTestBase {

    static final OffsetDateTime T0 = OffsetDateTime.parse("2026-11-01T09:00:00Z");

    @Test
    void redactErasesOnlyThatCustomerAndReplayedOldEventsDoNotResurrectThem() {
        String shop = "redact.myshopify.com";
        BookingEvent jane = booking(shop, shop + "/1/1", BookingChannel.CHECKOUT, "jane@example.com", "Jane", "Doe",
                71L, 1L, T0);
        BookingEvent janeInstant = booking(shop, "ib_redact_jane", BookingChannel.INSTANT, "JANE@example.com", "Jane",
                "Doe", null, null, T0.plusHours(1));
        BookingEvent bob = booking(shop, shop + "/2/1", BookingChannel.CHECKOUT, "bob@example.com", "Bob", "Roe", 72L,
                2L, T0);
        confirm(jane);
        confirm(janeInstant);
        confirm(bob);
        awaitCustomers(shop, p -> total(p) == 2);

        var redact = new CustomerRedactRequested(shop, 71L, "jane@example.com", List.of(1L), T0.plusDays(10));
        send(EventType.CUSTOMER_REDACT_REQUESTED, "redact-1", EventKeys.customerKey(shop, "jane@example.com", 71L, "p"),
                redact);
        JsonPath left = awaitCustomers(shop, p -> total(p) == 1);
        assertEquals("Bob", left.getString("items[0].firstName"));

        // A replay of Jane's old bookings (new event ids, as a reprocessing job would produce) must not bring her back.
        send(EventType.BOOKING_CONFIRMED, "replay-1", EventKeys.bookingKey(jane), jane);
        send(EventType.BOOKING_CONFIRMED, "replay-2", EventKeys.bookingKey(janeInstant), janeInstant);
        BookingEvent marker = booking(shop, "ib_marker", BookingChannel.INSTANT, "marker@example.com", "M", "K", null,
                null, T0);
        confirm(marker); // same partition order isn't guaranteed across keys: wait for this, then check Jane
        awaitCustomers(shop, p -> total(p) == 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> customers(shop, "email=jane@example.com").getInt("total") == 0);

        // She may come back as a new customer with a new booking after the redaction.
        confirm(booking(shop, "ib_redact_jane_later", BookingChannel.INSTANT, "jane@example.com", "Jane", "Doe", null,
                null, T0.plusDays(20)));
        awaitCustomers(shop, p -> total(p) == 3);
    }

    @Test
    void shopRedactEmptiesTheShopAndOnlyThatShop() {
        String shop = "gone.myshopify.com";
        String other = "stays.myshopify.com";
        for (int i = 0; i < 3; i++) {
            confirm(booking(shop, "ib_gone" + i, BookingChannel.INSTANT, "c" + i + "@example.com", "C" + i, "X", null,
                    null, T0));
        }
        confirm(booking(other, "ib_stays", BookingChannel.INSTANT, "c0@example.com", "C0", "X", null, null, T0));
        awaitCustomers(shop, p -> total(p) == 3);
        awaitCustomers(other, p -> total(p) == 1);

        send(EventType.SHOP_REDACT_REQUESTED, "shop-redact-1", EventKeys.shopKey(shop),
                new ShopRedactRequested(shop, 1L, T0.plusDays(5)));
        awaitCustomers(shop, p -> total(p) == 0);
        assertEquals(1, total(customers(other, "")));
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
}
