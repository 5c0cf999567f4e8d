package io.customerflow.ingest;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;

/** The instant-booking API against a real broker. */
@QuarkusTest
class InstantBookingTest extends IngestTestBase {

    static final String TOKYO = "tokyo-spa.myshopify.com";

    static ObjectNode validBooking() {
        ObjectNode body = EventJson.mapper().createObjectNode();
        body.put("shop", TOKYO);
        body.putObject("customer").put("firstName", "太郎").put("lastName", "山田")
                .put("email", "Taro.Yamada@Example.jp").put("phone", "+81312345678").put("locale", "ja");
        body.putObject("service").put("id", "svc-aroma-60").put("title", "アロママッサージ").put("variant", "60 Minutes");
        body.put("start", "2026-12-04T15:30:00+09:00");
        body.put("durationMinutes", 60);
        body.put("timezone", "Asia/Tokyo");
        body.putArray("resources").add("佐藤");
        body.put("location", "銀座店");
        body.putObject("price").put("amount", "8800").put("currency", "JPY");
        body.putArray("properties").addObject().put("name", "_locale").put("value", "ja");
        return body;
    }

    static ValidatableResponse post(String path, Object body, String key, String idempotencyKey) {
        var request = RestAssured.given().contentType("application/json").body(body.toString());
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.post(path).then();
    }

    @Test
    void validBookingIsAcceptedAndPublishedAsTheCustomersOnlyRecord() {
        String id = post("/v1/instant-bookings", validBooking(), API_KEY, null)
                .statusCode(202).body("bookingId", matchesPattern("ib_[0-9a-f]{24}")).body("status", equalTo("confirmed"))
                .extract().path("bookingId");

        ConsumerRecord<String, byte[]> record = awaitRecords(1).get(0);
        assertEquals(Topics.CUSTOMER_EVENTS, record.topic());
        assertKeyed(TOKYO + "/taro.yamada@example.jp", record);
        assertEquals(id, header(record, "ce_id"));
        assertEquals(EventType.BOOKING_CONFIRMED.ceType(), header(record, "ce_type"));
        EventSchemas.assertValid(EventType.BOOKING_CONFIRMED, record.value());
        BookingEvent booking = EventRecord.read(record).dataAs(BookingEvent.class);
        assertEquals(BookingChannel.INSTANT, booking.channel());
        assertEquals("山田", booking.customer().lastName());
        assertEquals("Taro.Yamada@Example.jp", booking.customer().email(), "kept as given for display");
        assertEquals(OffsetDateTime.parse("2026-12-04T15:30:00+09:00"), booking.appointment().start());
        assertEquals(List.of("佐藤"), booking.appointment().resources());
        assertEquals(new BookingEvent.Money("8800", "JPY"), booking.price());
    }

    @Test
    void sameIdempotencyKeyGivesTheSameBookingId() {
        String first = post("/v1/instant-bookings", validBooking(), API_KEY, "order-form-77")
                .statusCode(202).extract().path("bookingId");
        String again = post("/v1/instant-bookings", validBooking(), API_KEY, "order-form-77")
                .statusCode(202).extract().path("bookingId");
        String other = post("/v1/instant-bookings", validBooking(), API_KEY, "order-form-78")
                .statusCode(202).extract().path("bookingId");

        assertEquals(first, again);
        assertNotEquals(first, other);
        List<ConsumerRecord<String, byte[]>> records = awaitRecords(3);
        assertEquals(2, records.stream().map(r -> header(r, "ce_id")).distinct().count());
    }

    /** A client that retries a 503 or a timeout without an Idempotency-Key books once, not twice. */
    @Test
    void theSameBookingResentWithoutAKeyIsOneBooking() {
        String first = post("/v1/instant-bookings", validBooking(), API_KEY, null).statusCode(202)
                .extract().path("bookingId");
        ObjectNode again = validBooking();
        // The same person, service and moment, written differently: the same booking.
        ((ObjectNode) again.get("customer")).put("email", "TARO.yamada@example.JP");
        again.put("start", "2026-12-04T06:30:00Z");
        String resent = post("/v1/instant-bookings", again, API_KEY, null).statusCode(202).extract().path("bookingId");
        ObjectNode later = validBooking();
        later.put("start", "2026-12-04T16:30:00+09:00");
        String other = post("/v1/instant-bookings", later, API_KEY, null).statusCode(202).extract().path("bookingId");
        ObjectNode someoneElse = validBooking();
        ((ObjectNode) someoneElse.get("customer")).put("email", "hanako@example.jp");
        String third = post("/v1/instant-bookings", someoneElse, API_KEY, null).statusCode(202)
                .extract().path("bookingId");

        assertEquals(first, resent);
        assertEquals(3, java.util.Set.of(first, other, third).size());
        List<ConsumerRecord<String, byte[]>> records = awaitRecords(4);
        assertEquals(3, records.stream().map(r -> header(r, "ce_id")).distinct().count());
    }

    @Test
    void rescheduleAndCancelAreEventsOfTheirOwnOnTheCustomersKey() {
        ObjectNode change = EventJson.mapper().createObjectNode();
        change.put("shop", TOKYO);
        change.putObject("customer").put("email", "taro.yamada@example.jp");
        change.put("start", "2026-12-05T10:00:00+09:00");
        post("/v1/instant-bookings/ib_0123456789abcdef01234567/reschedule", change, API_KEY, null).statusCode(202)
                .body("status", equalTo("rescheduled"));
        change.remove("start");
        post("/v1/instant-bookings/ib_0123456789abcdef01234567/cancel", change, API_KEY, null).statusCode(202);

        List<ConsumerRecord<String, byte[]>> records = awaitRecords(2);
        assertEquals(List.of(EventType.BOOKING_RESCHEDULED.ceType(), EventType.BOOKING_CANCELLED.ceType()),
                records.stream().map(r -> header(r, "ce_type")).toList());
        records.forEach(r -> assertKeyed(TOKYO + "/taro.yamada@example.jp", r));
        assertEquals("ib_0123456789abcdef01234567/cancelled", header(records.get(1), "ce_id"));
        records.forEach(r -> EventSchemas.assertValid(EventType.fromCeType(header(r, "ce_type")).orElseThrow(), r.value()));
    }

    @Test
    void unknownKeyIs401AndAnotherShopIs403() {
        post("/v1/instant-bookings", validBooking(), "not-a-key", null).statusCode(401);
        post("/v1/instant-bookings", validBooking(), null, null).statusCode(401);
        post("/v1/instant-bookings", "{broken", "not-a-key", null).statusCode(401);
        ObjectNode otherShop = validBooking().put("shop", "someone-else.myshopify.com");
        post("/v1/instant-bookings", otherShop, API_KEY, null).statusCode(403)
                .contentType("application/problem+json");
        assertEquals(List.of(), published());
    }

    @Test
    void oneClientsKeyCannotBookForAnotherClientsShop() {
        String uptownKey = "uptown-test-api-key";
        ObjectNode uptown = validBooking().put("shop", "uptown-salon.myshopify.com");
        post("/v1/instant-bookings", uptown, API_KEY, null).statusCode(403);
        post("/v1/instant-bookings", validBooking(), uptownKey, null).statusCode(403);
        post("/v1/instant-bookings/ib_0123456789abcdef01234567/cancel", validChange(false), uptownKey, null)
                .statusCode(403);
        assertEquals(List.of(), published(), "nothing published for another's shop");

        post("/v1/instant-bookings", uptown, uptownKey, null).statusCode(202);
        assertEquals(1, published().size(), "each key books for its own shops");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "shop|not-a-shop.example.com",
            "customer.email|not-an-email",
            "customer.email|",
            "customer.phone|0312345678",
            "service.id|",
            "service.title|",
            "start|tomorrow at noon",
            "start|",
            "durationMinutes|0",
            "durationMinutes|100000",
            "durationMinutes|sixty",
            "timezone|Mars/Olympus_Mons",
            "timezone|",
            "price.amount|12,50",
            "price.currency|yen",
    })
    void eachInvalidFieldIsA400NamingIt(String field, String value) {
        ObjectNode body = validBooking();
        set(body, field, value);

        post("/v1/instant-bookings", body, API_KEY, null).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(field));
        assertEquals(List.of(), published());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = { "customer.firstName", "customer.lastName",
            "service.title", "location" })
    void textWithANulIsA400NamingTheFieldNotALaterDeadLetter(String field) {
        ObjectNode body = validBooking();
        set(body, field, "Ta\u0000ro");
        post("/v1/instant-bookings", body, API_KEY, null).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(field))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("Ta")));
        assertEquals(List.of(), published());
    }

    @Test
    void missingCustomerOrServiceIsA400() {
        for (String field : List.of("customer", "service")) {
            ObjectNode body = validBooking();
            body.remove(field);
            post("/v1/instant-bookings", body, API_KEY, null).statusCode(400).body("errors.field", hasItem(field));
        }
    }

    /** A valid reschedule (with start) or cancel body for {@link #TOKYO}. */
    static ObjectNode validChange(boolean withStart) {
        ObjectNode change = EventJson.mapper().createObjectNode();
        change.put("shop", TOKYO);
        change.putObject("customer").put("email", "taro.yamada@example.jp");
        if (withStart) {
            change.put("start", "2026-12-05T10:00:00+09:00");
        }
        return change;
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // Null elements and fields: Bean Validation's @Valid never looks at a null element by itself.
            "properties|[null]|properties[0]",
            "properties|[null, {\"name\": \"a\", \"value\": \"b\"}]|properties[0]",
            "properties|[{\"name\": \"a\"}, {\"name\": null}]|properties[1].name",
            "properties|[[]]|properties[0]",
            "properties|{}|properties",
            "resources|[null]|resources[0]",
            "resources|\"佐藤\"|resources",
            "customer|null|customer",
            "customer|[]|customer",
            "service|\"svc\"|service",
            "price|[]|price",
            "price|{\"amount\": null, \"currency\": \"JPY\"}|price.amount",
            "location|{}|location",
            // Times are ISO-8601 strings with an offset: never epoch numbers, never a local time.
            "start|1796452200|start",
            "start|1796452200.5|start",
            "start|\"2026-12-04T15:30:00\"|start",
            "start|[]|start",
            // Whole minutes: a fraction is a client bug, not something to truncate.
            "durationMinutes|60.9|durationMinutes",
            "durationMinutes|60.0|durationMinutes",
            "durationMinutes|1e10|durationMinutes",
            "durationMinutes|true|durationMinutes",
            "shopifyOrderId|99999999999999999999|shopifyOrderId",
    })
    void nullAndWrongTypedValuesAreA400NamingTheField(String field, String json, String reported) throws Exception {
        ObjectNode body = validBooking();
        body.set(field, EventJson.mapper().readTree(json));

        post("/v1/instant-bookings", body, API_KEY, null).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(reported));
        assertEquals(List.of(), published());
    }

    @ParameterizedTest(name = "{0}: {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "reschedule|shop|\"evil.example.com\"|shop",
            "reschedule|shop|null|shop",
            "reschedule|customer|null|customer",
            "reschedule|customer|\"taro\"|customer",
            "reschedule|customer|{\"email\": \"not-an-email\"}|customer.email",
            "reschedule|customer|{\"email\": null}|customer.email",
            "reschedule|start|null|start",
            "reschedule|start|1796452200|start",
            "reschedule|start|\"next friday\"|start",
            "reschedule|durationMinutes|0|durationMinutes",
            "reschedule|durationMinutes|90.5|durationMinutes",
            "reschedule|timezone|\"Mars/Olympus_Mons\"|timezone",
            "reschedule|timezone|[]|timezone",
            "cancel|shop|null|shop",
            "cancel|shop|42|shop",
            "cancel|customer|null|customer",
            "cancel|customer|[]|customer",
            "cancel|customer|{\"email\": \"\"}|customer.email",
            "cancel|customer|{\"email\": \"taro@example.jp\", \"phone\": \"0312345678\"}|customer.phone",
            "cancel|reason|{}|reason",
    })
    void invalidRescheduleAndCancelBodiesAreA400NamingTheField(String action, String field, String json,
            String reported) throws Exception {
        ObjectNode body = validChange(action.equals("reschedule"));
        body.set(field, EventJson.mapper().readTree(json));

        post("/v1/instant-bookings/ib_0123456789abcdef01234567/" + action, body, API_KEY, null).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(reported));
        assertEquals(List.of(), published());
    }

    @Test
    void aTooLongCancelReasonIsA400() {
        ObjectNode body = validChange(false).put("reason", "x".repeat(501));
        post("/v1/instant-bookings/ib_0123456789abcdef01234567/cancel", body, API_KEY, null).statusCode(400)
                .body("errors.field", hasItem("reason"));
    }

    @Test
    void headerAndPathErrorsNameWhatTheClientSent() {
        post("/v1/instant-bookings", validBooking(), API_KEY, "k".repeat(256)).statusCode(400)
                .contentType("application/problem+json").body("errors.field", equalTo(List.of("Idempotency-Key")));
        for (String action : List.of("reschedule", "cancel")) {
            post("/v1/instant-bookings/bad!id/" + action, validChange(true), API_KEY, null).statusCode(400)
                    .contentType("application/problem+json").body("errors.field", equalTo(List.of("id")));
            post("/v1/instant-bookings/" + "b".repeat(65) + "/" + action, validChange(true), API_KEY, null)
                    .statusCode(400).body("errors.field", equalTo(List.of("id")));
        }
        post("/v1/instant-bookings", "null", API_KEY, null).statusCode(400).body("errors.field", hasItem("body"));
        assertEquals(List.of(), published());
    }

    @Test
    void noPathAroundTheApiKeyCheckEndsInA500() {
        for (String path : List.of("/v1/instant-bookings;v=1", "/v1/instant-bookings/ib_1;v=1/cancel",
                "/v1/instant-bookings/ib_1/cancel;v=1")) {
            int status = post(path, validBooking(), null, null).extract().statusCode();
            assertTrue(status == 401 || status == 404, path + " got " + status);
        }
        assertEquals(List.of(), published());
    }

    /** Sets a dotted field to a value; empty means remove, a number stays a number. */
    private static void set(ObjectNode body, String field, String value) {
        String[] path = field.split("\\.");
        ObjectNode parent = body;
        for (int i = 0; i < path.length - 1; i++) {
            parent = (ObjectNode) parent.get(path[i]);
        }
        String name = path[path.length - 1];
        if (value == null || value.isEmpty()) {
            parent.remove(name);
        } else if (value.matches("-?\\d+")) {
            parent.put(name, Long.parseLong(value));
        } else {
            parent.put(name, value);
        }
    }
}
