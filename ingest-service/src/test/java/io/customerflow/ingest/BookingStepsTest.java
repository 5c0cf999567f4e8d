package io.customerflow.ingest;

import static io.customerflow.ingest.InstantBookingTest.post;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.EventSchemas;
import io.quarkus.test.junit.QuarkusTest;

/** Lifecycle steps (completed, no-show) of both channels through the public API, against a real broker. */
@QuarkusTest
class BookingStepsTest extends IngestTestBase {

    static final String TOKYO = InstantBookingTest.TOKYO;
    static final String INSTANT = "/v1/instant-bookings/ib_0123456789abcdef01234567/";
    static final String CHECKOUT = "/v1/checkout-bookings/5531267940632/13622453502232/";

    static ObjectNode step(String shop) {
        ObjectNode body = EventJson.mapper().createObjectNode();
        body.put("shop", shop);
        body.putObject("customer").put("email", "Jane.Doe@Example.com").put("firstName", "Jane");
        return body;
    }

    @Test
    void instantStepsAreEventsOnTheCustomersKeyOncePerBookingAndStep() {
        ObjectNode body = step(TOKYO).put("occurredAt", "2026-11-30T18:05:00+09:00");
        post(INSTANT + "complete", body, API_KEY, null).statusCode(202)
                .body("bookingId", equalTo("ib_0123456789abcdef01234567")).body("status", equalTo("completed"));
        post(INSTANT + "complete", body, API_KEY, null).statusCode(202);
        post(INSTANT + "no-show", step(TOKYO), API_KEY, null).statusCode(202).body("status", equalTo("no_show"));

        List<ConsumerRecord<String, byte[]>> records = awaitRecords(3);
        records.forEach(r -> assertEquals(Topics.CUSTOMER_EVENTS, r.topic()));
        records.forEach(r -> assertKeyed(TOKYO + "/jane.doe@example.com", r));
        assertEquals(List.of("ib_0123456789abcdef01234567/completed", "ib_0123456789abcdef01234567/completed",
                "ib_0123456789abcdef01234567/no-show"), records.stream().map(r -> header(r, "ce_id")).toList(),
                "a repeated report has the same event id: it collapses downstream");
        assertEquals(List.of(EventType.BOOKING_COMPLETED.ceType(), EventType.BOOKING_COMPLETED.ceType(),
                EventType.BOOKING_NO_SHOW.ceType()), records.stream().map(r -> header(r, "ce_type")).toList());
        BookingEvent completed = EventRecord.read(records.get(0)).dataAs(BookingEvent.class);
        EventSchemas.assertValid(EventType.BOOKING_COMPLETED, records.get(0).value());
        EventSchemas.assertValid(EventType.BOOKING_NO_SHOW, records.get(2).value());
        assertEquals(BookingChannel.INSTANT, completed.channel());
        assertEquals(OffsetDateTime.parse("2026-11-30T18:05:00+09:00"), completed.occurredAt());
        BookingEvent noShow = EventRecord.read(records.get(2)).dataAs(BookingEvent.class);
        assertTrue(noShow.occurredAt().isAfter(OffsetDateTime.now().minusMinutes(1)), "defaults to now");
    }

    @Test
    void checkoutStepsAreAddressedByOrderAndLineItemLikeTheOrdersBooking() {
        ObjectNode body = step(SHOP).put("shopifyCustomerId", 7212345678901L);
        post(CHECKOUT + "complete", body, API_KEY, null).statusCode(202)
                .body("bookingId", equalTo(SHOP + "/5531267940632/13622453502232"));
        post(CHECKOUT + "no-show", step(SHOP), API_KEY, null).statusCode(202);

        List<ConsumerRecord<String, byte[]>> records = awaitRecords(2);
        assertKeyed(SHOP + "/jane.doe@example.com", records.get(0));
        assertEquals(SHOP + "/5531267940632/13622453502232/completed", header(records.get(0), "ce_id"));
        assertEquals(SHOP + "/5531267940632/13622453502232/no-show", header(records.get(1), "ce_id"));
        BookingEvent completed = EventRecord.read(records.get(0)).dataAs(BookingEvent.class);
        EventSchemas.assertValid(EventType.BOOKING_COMPLETED, records.get(0).value());
        assertEquals(BookingChannel.CHECKOUT, completed.channel());
        assertEquals(new BookingEvent.OrderRef(5531267940632L, null, 13622453502232L), completed.order());
        assertEquals(7212345678901L, completed.customer().shopifyId());
        assertNull(EventRecord.read(records.get(1)).dataAs(BookingEvent.class).customer().shopifyId());
    }

    @Test
    void aStepForAShopTheKeyDoesNotServeIs403AndPublishesNothing() {
        post(INSTANT + "complete", step("uptown-salon.myshopify.com"), API_KEY, null).statusCode(403)
                .contentType("application/problem+json");
        post(CHECKOUT + "no-show", step("uptown-salon.myshopify.com"), API_KEY, null).statusCode(403);
        post(CHECKOUT + "complete", step(SHOP), "uptown-test-api-key", null).statusCode(403);
        post(INSTANT + "no-show", step(TOKYO), null, null).statusCode(401);
        assertEquals(List.of(), published());
    }

    @ParameterizedTest(name = "{0}{1}: {2} = {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "instant|complete|shop|null|shop",
            "instant|no-show|shop|\"evil.example.com\"|shop",
            "instant|complete|customer|null|customer",
            "instant|no-show|customer|{\"email\": \"not-an-email\"}|customer.email",
            "instant|complete|occurredAt|\"yesterday\"|occurredAt",
            "instant|complete|occurredAt|1796452200|occurredAt",
            "instant|no-show|occurredAt|\"2099-01-01T00:00:00Z\"|occurredAt",
            "checkout|complete|customer|{}|customer.email",
            "checkout|no-show|shopifyCustomerId|-4|shopifyCustomerId",
            "checkout|complete|shopifyCustomerId|\"abc\"|shopifyCustomerId",
            "checkout|complete|occurredAt|\"2099-01-01T00:00:00Z\"|occurredAt",
    })
    void aMalformedStepIsA400NamingTheField(String channel, String step, String field, String json, String reported)
            throws Exception {
        boolean instant = channel.equals("instant");
        ObjectNode body = step(instant ? TOKYO : SHOP);
        body.set(field, EventJson.mapper().readTree(json));
        post((instant ? INSTANT : CHECKOUT) + step, body, API_KEY, null).statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem(reported));
        assertEquals(List.of(), published());
    }

    @Test
    void badPathSegmentsAreA400NamingThem() {
        post("/v1/checkout-bookings/abc/13622453502232/complete", step(SHOP), API_KEY, null).statusCode(400)
                .body("errors.field", equalTo(List.of("orderId")));
        post("/v1/checkout-bookings/5531267940632/0/no-show", step(SHOP), API_KEY, null).statusCode(400)
                .body("errors.field", equalTo(List.of("lineItemId")));
        post("/v1/instant-bookings/bad!id/complete", step(TOKYO), API_KEY, null).statusCode(400)
                .body("errors.field", equalTo(List.of("id")));
        post("/v1/checkout-bookings/5531267940632;v=1/1/complete", step(SHOP), null, null).statusCode(401);
        assertEquals(List.of(), published());
    }
}
