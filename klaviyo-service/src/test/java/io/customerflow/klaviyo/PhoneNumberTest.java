package io.customerflow.klaviyo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventType;
import io.customerflow.klaviyo.messaging.Channels;
import io.quarkus.test.junit.QuarkusTest;

/** Phone numbers: sent when E.164; one Klaviyo refuses costs the profile its phone, never the booking. */
@QuarkusTest
class PhoneNumberTest extends KlaviyoTestBase {

    private static final String REFUSED_PHONE = "+15005550006";

    @Test
    void aValidE164PhoneIsSent() {
        // (A malformed phone never gets this far: the event contract only admits E.164.)
        publish(EventType.BOOKING_CONFIRMED, "ib_phone_ok", withPhone("ib_phone_ok", "p1@example.com", "+14155550123"));
        await().atMost(Duration.ofSeconds(20)).until(() -> sentEvents().size() == 1);

        var sent = sentEvents().get(0);
        assertEquals(202, sent.status());
        assertEquals(List.of("email", "first_name", "last_name", "phone_number", "properties"),
                fieldNames(sent.profile().path("attributes")));
        assertEquals("+14155550123", sent.profile().path("attributes").path("phone_number").asText());
    }

    @Test
    void aPhoneKlaviyoRefusesIsDroppedAndTheBookingStillDelivered() {
        klaviyo().stubFor(post(urlEqualTo(EVENTS)).atPriority(1).withRequestBody(containing(REFUSED_PHONE))
                .willReturn(aResponse().withStatus(400).withBody("""
                        {"errors": [{"id": "1", "code": "invalid", "title": "Invalid input.",
                          "detail": "The phone number provided either does not exist or is ineligible.",
                          "source": {"pointer": "/data/attributes/profile/data/attributes/phone_number"}}]}""")));
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            publish(EventType.BOOKING_CONFIRMED, "ib_phone_refused", withPhone("ib_phone_refused", "p3@example.com",
                    REFUSED_PHONE));
            await().atMost(Duration.ofSeconds(20)).until(() -> sentEvents().stream()
                    .anyMatch(e -> e.status() == 202 && "ib_phone_refused".equals(e.bookingId())));

            var sent = sentEvents().stream().filter(e -> "ib_phone_refused".equals(e.bookingId())).toList();
            assertEquals(List.of(400, 202), sent.stream().map(SentEvent::status).toList(), "refused once, then resent");
            assertEquals(REFUSED_PHONE, sent.get(0).profile().path("attributes").path("phone_number").asText());
            assertEquals(List.of("email", "first_name", "last_name", "properties"),
                    fieldNames(sent.get(1).profile().path("attributes")), "resent without the phone, nothing else lost");
            assertEquals(List.of("ib_phone_refused", "ib_phone_refused"), sent.stream().map(SentEvent::uniqueId).toList());
            assertEquals(List.of(), dlq.drain(Duration.ofSeconds(2)).stream()
                    .map(r -> CloudEvent.header(r.headers(), "ce_id")).toList(), "nothing dead-lettered");
        }
    }

    private static List<String> fieldNames(com.fasterxml.jackson.databind.JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.stream().sorted().toList();
    }

    private static BookingEvent withPhone(String id, String email, String phone) {
        BookingEvent b = instant("downtown-salon.myshopify.com", id, email, "P", "N");
        return new BookingEvent(b.bookingId(), b.channel(), b.shop(), new Customer(null, email, "P", "N", phone, null),
                b.order(), b.service(), b.appointment(), b.price(), b.properties(), b.occurredAt());
    }
}
