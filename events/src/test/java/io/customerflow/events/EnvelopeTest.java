package io.customerflow.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.OffsetDateTime;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.customerflow.events.testing.EventSchemas;

/** CloudEvents headers and Kafka key rules. */
class EnvelopeTest {

    private static final OffsetDateTime TIME = OffsetDateTime.parse("2026-11-20T10:12:44-05:00");

    @Test
    void cloudEventHeadersRoundTripInBinaryMode() {
        CloudEvent ce = new CloudEvent("evt-1", EventType.BOOKING_CONFIRMED, "/shopify/a.myshopify.com",
                "booking/a.myshopify.com/1/2", TIME);
        Headers headers = ce.toHeaders();

        assertEquals("io.customerflow.booking.confirmed.v1", CloudEvent.header(headers, "ce_type"));
        assertEquals("1.0", CloudEvent.header(headers, "ce_specversion"));
        assertEquals("2026-11-20T15:12:44Z", CloudEvent.header(headers, "ce_time"));
        assertEquals("application/json", CloudEvent.header(headers, "content-type"));
        CloudEvent back = CloudEvent.fromHeaders(headers);
        assertEquals(ce.id(), back.id());
        assertEquals(ce.type(), back.type());
        assertEquals(ce.subject(), back.subject());
        assertEquals(ce.time().toInstant(), back.time().toInstant());
    }

    @Test
    void recordWithoutIdOrWithUnknownTypeIsInvalid() {
        Headers noId = new RecordHeaders();
        noId.add("ce_type", EventType.ORDER_CREATED.ceType().getBytes());
        assertThrows(InvalidEventException.class, () -> CloudEvent.fromHeaders(noId));

        Headers unknown = new CloudEvent("x", EventType.ORDER_CREATED, "/s", null, TIME).toHeaders();
        unknown.remove("ce_type");
        unknown.add("ce_type", "com.example.other".getBytes());
        assertThrows(InvalidEventException.class, () -> CloudEvent.fromHeaders(unknown));
    }

    @Test
    void recordIsReadBackToTypedData() {
        CloudEvent ce = new CloudEvent("e", EventType.BOOKING_RESCHEDULED, "/instant-bookings", null, TIME);
        byte[] value = EventSchemas.sample(EventType.BOOKING_RESCHEDULED);
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("customer-events.v1", 0, 0, "k", value);
        ce.toHeaders().forEach(h -> record.headers().add(h));

        BookingEvent booking = EventRecord.read(record).dataAs(BookingEvent.class);
        assertEquals("王", booking.customer().lastName());
        assertEquals(BookingChannel.INSTANT, booking.channel());
    }

    @Test
    void garbageValueIsAnInvalidEventNotACrash() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("t", 0, 0, "k", "{not json".getBytes());
        new CloudEvent("e", EventType.ORDER_CREATED, "/s", null, TIME).toHeaders().forEach(h -> record.headers().add(h));
        assertThrows(InvalidEventException.class, () -> EventRecord.read(record));
    }

    @Test
    void customerKeyUsesTheNormalizedEmailThenTheCustomerIdThenTheFallback() {
        assertEquals("s.myshopify.com/jane@example.com",
                EventKeys.customerKey("s.myshopify.com", "  Jane@Example.COM ", 7L, "b1"));
        assertEquals("s.myshopify.com/customer-7", EventKeys.customerKey("s.myshopify.com", " ", 7L, "b1"));
        assertEquals("s.myshopify.com/b1", EventKeys.customerKey("s.myshopify.com", null, null, "b1"));
    }

    @Test
    void orderKeyUsesTheCustomerIdThenTheEmailThenTheOrder() {
        OrderEvent withCustomer = EventJson.fromBytes(EventSchemas.sample(EventType.ORDER_CREATED), OrderEvent.class);
        assertEquals("downtown-salon.myshopify.com/7212345678901", EventKeys.orderKey(withCustomer));

        OrderEvent anonymous = EventJson.fromBytes(EventSchemas.sample(EventType.ORDER_CANCELLED), OrderEvent.class);
        assertNull(anonymous.customer());
        assertEquals("downtown-salon.myshopify.com/order-5531267940633", EventKeys.orderKey(anonymous));
    }

    @Test
    void emailsAreMaskedForLogs() {
        assertEquals("j***@e***", Emails.mask("jane.doe@example.com"));
        assertEquals("<none>", Emails.mask(null));
    }
}
