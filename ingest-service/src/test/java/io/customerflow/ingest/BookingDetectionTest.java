package io.customerflow.ingest;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.EventSchemas;
import io.quarkus.test.junit.QuarkusTest;

/** Which line items are bookings, what a booking carries when the order says little, and big orders. */
@QuarkusTest
class BookingDetectionTest extends IngestTestBase {

    /** A one-item order whose item is a "60 Minutes" variant carrying only the given property (and a non-mark). */
    static ObjectNode orderWithOneProperty(long id, String propertyName, String value) {
        ObjectNode order = EventJson.mapper().createObjectNode();
        order.put("id", id).put("name", "#" + id).put("email", "mia@example.com").put("currency", "EUR")
                .put("created_at", "2026-11-20T10:12:44+01:00");
        order.putObject("customer").put("id", 31).put("email", "mia@example.com").put("first_name", "Mia");
        ObjectNode item = order.putArray("line_items").addObject();
        item.put("id", id + 1).put("product_id", 5).put("variant_id", 6).put("title", "Massage")
                .put("variant_title", "60 Minutes").put("quantity", 1).put("price", "80.00");
        ArrayNode properties = item.putArray("properties");
        properties.addObject().put("name", "_locale").put("value", "de");
        if (propertyName != null) {
            properties.addObject().put("name", propertyName).put("value", value);
        }
        return order;
    }

    @ParameterizedTest(name = "\"{0}\" alone marks a booking of {2} minutes")
    @CsvSource(delimiter = '|', value = {
            "Duration|30 Minuten|30",
            "_session-id|b71c2e|60",
            "_reservation_token|rsv_1|60",
            // Names match as the detail fields always did: any case, surrounding spaces ignored.
            "' duration '|90 minutes|90",
            "_RESERVATION_TOKEN|rsv_2|60",
            "'_Session-ID '|c81d3f|60",
    })
    void eachMarkAloneMakesABookingAndTheVariantTitleIsTheDurationWhenNoPropertyGivesIt(String mark, String value,
            int minutes) throws IOException {
        long id = 6_100_000L + Math.abs(mark.hashCode() % 10_000) * 10L;
        webhook("orders/create", EventJson.mapper().writeValueAsBytes(orderWithOneProperty(id, mark, value)))
                .statusCode(200).body("events", equalTo(2));

        ConsumerRecord<String, byte[]> record = onTopic(awaitRecords(2), Topics.CUSTOMER_EVENTS);
        EventSchemas.assertValid(EventType.BOOKING_CONFIRMED, record.value());
        BookingEvent booking = EventRecord.read(record).dataAs(BookingEvent.class);
        assertEquals(SHOP + "/" + id + "/" + (id + 1), booking.bookingId());
        assertEquals(minutes, booking.appointment().durationMinutes());
        assertEquals(minutes == 60 ? "60 Minutes" : value, booking.appointment().duration());
        assertEquals(new BookingEvent.Money("80.00", "EUR"), booking.price());
    }

    @Test
    void aDurationLikeVariantTitleAloneIsNoBooking() throws IOException {
        webhook("orders/create", EventJson.mapper().writeValueAsBytes(orderWithOneProperty(6_200_000L, null, null)))
                .statusCode(200).body("events", equalTo(1));
        assertEquals(List.of(Topics.ORDERS), published().stream().map(ConsumerRecord::topic).toList());
    }

    @Test
    void anOrderWithoutCustomerOrEmailIsStillAnOrderAndItsBookingIsPublishedAndCounted() throws IOException {
        ObjectNode anonymous = orderWithOneProperty(6_300_000L, "_reservation_token", "rsv_anon");
        anonymous.remove("customer");
        anonymous.putNull("email");
        ObjectNode byIdOnly = orderWithOneProperty(6_300_100L, "_reservation_token", "rsv_id");
        byIdOnly.putNull("email");
        ((ObjectNode) byIdOnly.get("customer")).putNull("email");
        double unidentifiedBefore = metric("ingest_bookings_unidentified_total");

        webhook("orders/create", EventJson.mapper().writeValueAsBytes(anonymous)).statusCode(200).body("events", equalTo(2));
        webhook("orders/create", EventJson.mapper().writeValueAsBytes(byIdOnly)).statusCode(200).body("events", equalTo(2));

        List<ConsumerRecord<String, byte[]>> records = awaitRecords(4);
        ConsumerRecord<String, byte[]> order = only(records, "order/6300000");
        assertKeyed(SHOP + "/order-6300000", order);
        EventSchemas.assertValid(EventType.ORDER_CREATED, order.value());
        OrderEvent orderEvent = EventRecord.read(order).dataAs(OrderEvent.class);
        assertNull(orderEvent.customer());
        assertNull(orderEvent.contactEmail());

        String bookingId = SHOP + "/6300000/6300001";
        ConsumerRecord<String, byte[]> booking = only(records, "booking/" + bookingId);
        assertKeyed(SHOP + "/booking-" + bookingId, booking);
        EventSchemas.assertValid(EventType.BOOKING_CONFIRMED, booking.value());
        BookingEvent event = EventRecord.read(booking).dataAs(BookingEvent.class);
        assertNull(event.customer().email());
        assertNull(event.customer().shopifyId());
        assertEquals(60, event.appointment().durationMinutes(), "published with what there is");

        // A Shopify customer id identifies the customer.
        assertKeyed(SHOP + "/customer-31", only(records, "booking/" + SHOP + "/6300100/6300101"));
        assertEquals(1.0, metric("ingest_bookings_unidentified_total") - unidentifiedBefore,
                "only the booking without email or customer id is counted");
    }

    @Test
    void anOrderWithHundredsOfLineItemsUnderTheSizeLimitIsAccepted() throws IOException {
        ObjectNode order = (ObjectNode) EventJson.mapper().readTree(bookingOrder(6_400_000L));
        ArrayNode items = (ArrayNode) order.get("line_items");
        ObjectNode product = (ObjectNode) items.get(1);
        for (int i = 0; i < 800; i++) {
            // What makes real line items 2-3 KB: tax lines, money sets, discounts, long names.
            ObjectNode item = product.deepCopy();
            item.put("id", 20_000_000_000L + i).put("name", "Argan Oil Shampoo - travel size " + i + " ".repeat(200));
            ObjectNode money = EventJson.mapper().createObjectNode();
            money.putObject("shop_money").put("amount", "30.00").put("currency_code", "USD");
            money.putObject("presentment_money").put("amount", "30.00").put("currency_code", "USD");
            item.set("price_set", money);
            item.set("total_discount_set", money.deepCopy());
            ArrayNode taxLines = item.putArray("tax_lines");
            for (int t = 0; t < 4; t++) {
                taxLines.addObject().put("title", "State tax " + t).put("price", "1.20").put("rate", 0.04)
                        .put("channel_liable", false).set("price_set", money.deepCopy());
            }
            item.putArray("discount_allocations").addObject().put("amount", "0.00")
                    .put("discount_application_index", 0).set("amount_set", money.deepCopy());
            items.add(item);
        }
        byte[] body = EventJson.mapper().writeValueAsBytes(order);
        assertTrue(body.length > 1_000_000 && body.length < 4 * 1024 * 1024, "body of " + body.length + " bytes");

        webhook("orders/create", body).statusCode(200).body("events", equalTo(2));

        OrderEvent event = EventRecord.read(onTopic(awaitRecords(2), Topics.ORDERS)).dataAs(OrderEvent.class);
        assertEquals(802, event.lineItems().size());
    }

    private static ConsumerRecord<String, byte[]> onTopic(List<ConsumerRecord<String, byte[]>> records, String topic) {
        List<ConsumerRecord<String, byte[]>> found = records.stream().filter(r -> r.topic().equals(topic)).toList();
        assertEquals(1, found.size(), "records on " + topic);
        return found.get(0);
    }

    private static ConsumerRecord<String, byte[]> only(List<ConsumerRecord<String, byte[]>> records, String subject) {
        List<ConsumerRecord<String, byte[]>> found = records.stream()
                .filter(r -> subject.equals(header(r, "ce_subject"))).toList();
        assertEquals(1, found.size(), "records about " + subject);
        return found.get(0);
    }
}
