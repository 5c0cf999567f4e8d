package io.customerflow.ingest;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.EventSchemas;
import io.quarkus.test.junit.QuarkusTest;

/** Shopify webhooks through ingest to a real broker: the events, keys and headers that come out. */
@QuarkusTest
class ShopifyWebhookTest extends IngestTestBase {

    @Test
    void bookingOrderBecomesAnOrderEventAndABookingEvent() {
        webhook("orders/create", bookingOrder(5531267940632L), SECRET, "wh-booking-1")
                .statusCode(200).body("status", equalTo("accepted")).body("events", equalTo(2));

        List<ConsumerRecord<String, byte[]>> records = awaitRecords(2);
        assertEquals(2, records.size(), "order event + one booking event");
        ConsumerRecord<String, byte[]> order = only(records, Topics.ORDERS);
        ConsumerRecord<String, byte[]> booking = only(records, Topics.CUSTOMER_EVENTS);

        assertKeyed(SHOP + "/7212345678901", order);
        assertEquals(EventType.ORDER_CREATED.ceType(), header(order, "ce_type"));
        // The fact's id, not the delivery's: a reconciliation pass reporting the same order gives the same.
        assertEquals(SHOP + "/order/5531267940632/created", header(order, "ce_id"));
        assertEquals("/shopify/" + SHOP, header(order, "ce_source"));
        assertEquals("order/5531267940632", header(order, "ce_subject"));
        assertEquals("2026-11-20T15:12:45.123Z", header(order, "ce_time"));
        assertEquals("application/json", header(order, "content-type"));
        EventSchemas.assertValid(EventType.ORDER_CREATED, order.value());
        OrderEvent orderEvent = EventRecord.read(order).dataAs(OrderEvent.class);
        assertEquals(2, orderEvent.lineItems().size());
        assertEquals("jane.doe@example.com", orderEvent.customer().email());

        assertKeyed(SHOP + "/jane.doe@example.com", booking);
        assertEquals(EventType.BOOKING_CONFIRMED.ceType(), header(booking, "ce_type"));
        assertEquals(SHOP + "/5531267940632/13622453502232", header(booking, "ce_id"));
        EventSchemas.assertValid(EventType.BOOKING_CONFIRMED, booking.value());
        BookingEvent b = EventRecord.read(booking).dataAs(BookingEvent.class);
        assertEquals(BookingChannel.CHECKOUT, b.channel());
        assertEquals("December 4, 2026", b.appointment().date());
        assertEquals("3:30 PM", b.appointment().time());
        assertEquals("America/New_York", b.appointment().timezone());
        assertEquals("Downtown", b.appointment().location());
        assertEquals(List.of("Alex"), b.appointment().resources());
        assertEquals(45, b.appointment().durationMinutes());
        assertEquals(new BookingEvent.Money("65.00", "USD"), b.price());
        assertEquals("Jane", b.customer().firstName());
        assertEquals(7212345678901L, b.customer().shopifyId());
        assertEquals(new BookingEvent.OrderRef(5531267940632L, "#1042", 13622453502232L), b.order());
    }

    @Test
    void orderWithoutBookingItemsIsAnOrderEventOnly() throws Exception {
        JsonNode upstream = EventJson.mapper().readTree(resource("/shopify/upstream-orders-2026-07.json"));
        // Shopify's sample is shop jsmith's: its status address names its shop, so it is re-homed to this test's.
        var sample = (com.fasterxml.jackson.databind.node.ObjectNode) upstream.get("orders").get(0);
        sample.put("order_status_url", sample.path("order_status_url").asText().replace("jsmith.myshopify.com", SHOP));
        byte[] body = EventJson.mapper().writeValueAsBytes(sample);

        webhook("orders/create", body).statusCode(200).body("events", equalTo(1));

        List<ConsumerRecord<String, byte[]>> records = published();
        assertEquals(1, records.size());
        assertEquals(Topics.ORDERS, records.get(0).topic());
        OrderEvent order = EventRecord.read(records.get(0)).dataAs(OrderEvent.class);
        assertEquals(450789469L, order.orderId());
        assertEquals(3, order.lineItems().size());
        EventSchemas.assertValid(EventType.ORDER_CREATED, records.get(0).value());
    }

    @Test
    void hiddenReservationTokenMarksABookingWhateverTheShopLocale() throws Exception {
        String body = """
                {"id": 9001, "name": "#9001", "email": "hanako@example.jp", "currency": "JPY",
                 "created_at": "2026-11-20T10:00:00+09:00",
                 "customer": {"id": 42, "email": "hanako@example.jp", "first_name": "花子", "last_name": "山田"},
                 "line_items": [{"id": 77, "product_id": 5, "variant_id": 6, "title": "アロママッサージ",
                   "variant_title": "60 Minutes", "quantity": 1, "price": "8800",
                   "properties": [{"name": "日付", "value": "2026年12月4日"}, {"name": "時間", "value": "15:30"},
                                  {"name": "_reservation_token", "value": "rsv_1"}]}]}""";
        webhook("orders/create", body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).statusCode(200);

        BookingEvent booking = EventRecord.read(only(awaitRecords(2), Topics.CUSTOMER_EVENTS)).dataAs(BookingEvent.class);
        assertEquals("山田", booking.customer().lastName());
        assertEquals("花子", booking.customer().firstName());
        assertEquals("2026年12月4日", booking.appointment().date());
        assertEquals("15:30", booking.appointment().time());
        assertEquals("60 Minutes", booking.appointment().duration(), "variant title is the duration");
        assertEquals(60, booking.appointment().durationMinutes());
    }

    @Test
    void cancelledOrderCancelsItsBookings() {
        webhook("orders/cancelled", bookingOrder(5531267940700L)).statusCode(200);

        ConsumerRecord<String, byte[]> booking = only(awaitRecords(2), Topics.CUSTOMER_EVENTS);
        assertEquals(EventType.BOOKING_CANCELLED.ceType(), header(booking, "ce_type"));
        assertEquals(SHOP + "/5531267940700/13622453502232/cancelled", header(booking, "ce_id"));
    }

    @Test
    void forgedMissingAndUnknownSecretSignaturesAreRejectedAndNothingIsPublished() {
        byte[] body = bookingOrder(5531267940800L);
        webhook("orders/create", body, "a-secret-we-never-had", "wh-forged").statusCode(401);
        io.restassured.RestAssured.given().contentType("application/json")
                .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", SHOP)
                .header("X-Shopify-Webhook-Id", "wh-unsigned").body(body).post("/webhooks/shopify")
                .then().statusCode(401).contentType("application/problem+json");
        byte[] tampered = bookingOrder(5531267940801L);
        io.restassured.RestAssured.given().contentType("application/json")
                .header("X-Shopify-Hmac-Sha256", io.customerflow.ingest.service.HmacVerifier.signature(SECRET, body))
                .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", SHOP)
                .header("X-Shopify-Webhook-Id", "wh-tampered").body(tampered).post("/webhooks/shopify")
                .then().statusCode(401);

        assertEquals(List.of(), published());
    }

    @Test
    void previousSecretIsAcceptedDuringARotation() {
        webhook("orders/create", bookingOrder(5531267940900L), ROTATED_SECRET, UUID.randomUUID().toString())
                .statusCode(200);
        assertEquals(2, awaitRecords(2).size());
    }

    @Test
    void theSameWebhookDeliveredThreeTimesYieldsOneEventId() {
        byte[] body = bookingOrder(5531267941000L);
        for (int i = 0; i < 3; i++) {
            webhook("orders/create", body, SECRET, "wh-repeat-1").statusCode(200);
        }
        List<ConsumerRecord<String, byte[]>> records = published();
        assertEquals(1, records.stream().filter(r -> r.topic().equals(Topics.ORDERS)).count());
        assertEquals(1, records.stream().map(r -> header(r, "ce_id")).filter(id -> id.endsWith("/13622453502232"))
                .distinct().count());
        assertEquals(2, records.size(), "repeats are dropped at the door");
    }

    @Test
    void privacyTopicsBecomePrivacyEventsKeyedByCustomer() {
        webhook("customers/redact", resource("/shopify/customers-redact.json")).statusCode(200);
        webhook("customers/data_request", resource("/shopify/customers-data_request.json")).statusCode(200);
        webhook("shop/redact", resource("/shopify/shop-redact.json")).statusCode(200);

        List<ConsumerRecord<String, byte[]>> records = awaitRecords(3);
        assertEquals(3, records.size());
        for (ConsumerRecord<String, byte[]> r : records) {
            EventType type = EventType.fromCeType(header(r, "ce_type")).orElseThrow();
            EventSchemas.assertValid(type, r.value());
            assertEquals(Topics.CUSTOMER_EVENTS, r.topic());
            assertKeyed(type == EventType.SHOP_REDACT_REQUESTED ? SHOP : SHOP + "/jane.doe@example.com", r);
        }
    }

    @Test
    void appUninstalledReachesBothTopics() {
        webhook("app/uninstalled", "{\"id\": 954889, \"myshopify_domain\": \"downtown-salon.myshopify.com\"}".getBytes())
                .statusCode(200);
        List<ConsumerRecord<String, byte[]>> records = awaitRecords(2);
        assertEquals(List.of(Topics.CUSTOMER_EVENTS, Topics.ORDERS), records.stream().map(ConsumerRecord::topic).sorted().toList());
        records.forEach(r -> assertEquals(EventType.APP_UNINSTALLED.ceType(), header(r, "ce_type")));
    }

    @Test
    void unknownTopicIsAcknowledgedAndIgnored() {
        webhook("products/update", "{\"id\": 1}".getBytes()).statusCode(200).body("status", equalTo("ignored"));
        assertEquals(List.of(), published());
    }

    @Test
    void badInputGetsAClearErrorNeverA500() {
        webhook("orders/create", "{\"id\": ".getBytes()).statusCode(400).contentType("application/problem+json");
        webhook("orders/create", "[]".getBytes()).statusCode(400);
        webhook("orders/create", "{\"line_items\": []}".getBytes()).statusCode(400)
                .body("detail", equalTo("order has no id"));
        byte[] body = bookingOrder(1L);
        io.restassured.RestAssured.given().contentType("text/plain")
                .header("X-Shopify-Hmac-Sha256", io.customerflow.ingest.service.HmacVerifier.signature(SECRET, body))
                .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", SHOP)
                .header("X-Shopify-Webhook-Id", "wh-text").body(body).post("/webhooks/shopify")
                .then().statusCode(415);
        io.restassured.RestAssured.given().contentType("application/json")
                .header("X-Shopify-Hmac-Sha256", io.customerflow.ingest.service.HmacVerifier.signature(SECRET, body))
                .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", "evil.example.com")
                .header("X-Shopify-Webhook-Id", "wh-shop").body(body).post("/webhooks/shopify")
                .then().statusCode(400).body("detail", org.hamcrest.Matchers.containsString("X-Shopify-Shop-Domain"));
        assertEquals(List.of(), published());
    }

    @Test
    void deliveryHeadersAreCheckedAfterTheSignatureAndBeforeTheTopic() {
        byte[] body = "{\"id\": 1}".getBytes();
        webhook(body, headers("X-Shopify-Topic", null)).statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("missing header X-Shopify-Topic"));
        webhook(body, headers("X-Shopify-Topic", " ")).statusCode(400)
                .body("detail", equalTo("missing header X-Shopify-Topic"));
        // An unknown topic is ignored only once the delivery itself is well-formed.
        webhook(body, headers("X-Shopify-Topic", "products/update", "X-Shopify-Shop-Domain", "evil.example.com"))
                .statusCode(400).body("detail", containsString("X-Shopify-Shop-Domain"));
        webhook(body, headers("X-Shopify-Topic", "products/update", "X-Shopify-Shop-Domain", null))
                .statusCode(400).body("detail", containsString("X-Shopify-Shop-Domain"));
        webhook(body, headers("X-Shopify-Topic", "products/update", "X-Shopify-Webhook-Id", null))
                .statusCode(400).body("detail", containsString("X-Shopify-Webhook-Id"));
        webhook(body, headers("X-Shopify-Topic", "products/update", "X-Shopify-Triggered-At", "last tuesday"))
                .statusCode(400).body("detail", containsString("X-Shopify-Triggered-At"));
        webhook(body, headers("X-Shopify-Topic", "products/update")).statusCode(200)
                .body("status", equalTo("ignored"));
        // The signature still comes first: unsigned and topic-less is a 401, not a 400 that confirms the shape.
        webhook(body, headers("X-Shopify-Topic", null, "X-Shopify-Hmac-Sha256", null)).statusCode(401);
        assertEquals(List.of(), published());
    }

    @Test
    void eventIdWinsOverWebhookIdSoEveryDeliveryOfOneEventCollapses() {
        byte[] body = bookingOrder(5531267941100L);
        webhook(body, headers("X-Shopify-Event-Id", "evt-7f3a", "X-Shopify-Webhook-Id", "wh-first-delivery"))
                .statusCode(200).body("status", equalTo("accepted"));
        // Shopify's second delivery of the same event: a new webhook id, the same event id.
        webhook(body, headers("X-Shopify-Event-Id", "evt-7f3a", "X-Shopify-Webhook-Id", "wh-second-delivery"))
                .statusCode(200).body("status", equalTo("duplicate"));

        List<ConsumerRecord<String, byte[]>> records = published();
        assertEquals(2, records.size(), "one order event and one booking event: " + records);
        assertEquals(SHOP + "/order/5531267941100/created", header(only(records, Topics.ORDERS), "ce_id"));
    }

    @Test
    void twoDeliveriesOfACreationCarryOneEventIdAndEachUpdateItsOwn() throws Exception {
        // A late retry Shopify sends as a new event (new ids), or a webhook after a pass reported the order: one fact.
        byte[] body = bookingOrder(5531267941200L);
        webhook(body, headers("X-Shopify-Webhook-Id", "wh-one")).statusCode(200);
        webhook(body, headers("X-Shopify-Webhook-Id", "wh-other")).statusCode(200);
        var updated = (com.fasterxml.jackson.databind.node.ObjectNode) EventJson.mapper().readTree(body);
        updated.put("updated_at", "2026-11-21T08:00:00+09:00");
        webhook(EventJson.mapper().writeValueAsBytes(updated), headers("X-Shopify-Topic", "orders/updated",
                "X-Shopify-Webhook-Id", "wh-update")).statusCode(200);
        webhook(body, headers("X-Shopify-Topic", "orders/cancelled")).statusCode(200);

        List<String> ids = published().stream().filter(r -> r.topic().equals(Topics.ORDERS))
                .map(r -> header(r, "ce_id")).toList();
        String base = SHOP + "/order/5531267941200/";
        // Two changes can share a second of updated_at: an update keeps its delivery's id.
        assertEquals(List.of(base + "created", base + "created", SHOP + "/orders/updated/wh-update",
                base + "cancelled"), ids);
    }

    private static ConsumerRecord<String, byte[]> only(List<ConsumerRecord<String, byte[]>> records, String topic) {
        List<ConsumerRecord<String, byte[]>> onTopic = records.stream().filter(r -> r.topic().equals(topic)).toList();
        assertEquals(1, onTopic.size(), "records on " + topic);
        assertTrue(onTopic.get(0).value().length > 0);
        return onTopic.get(0);
    }
}
