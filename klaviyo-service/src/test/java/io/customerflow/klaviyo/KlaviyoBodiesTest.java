package io.customerflow.klaviyo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventType;
import io.customerflow.klaviyo.service.KlaviyoBodies;
import io.customerflow.klaviyo.service.KlaviyoBodies.TrackedEvent;

/** Request bodies built without the service running: the profile a bulk job carries. */
class KlaviyoBodiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aBulkJobCarriesTheNewestProfileWithEveryStepsProperties() throws Exception {
        // Handed over newest first, as a batch can be (several partitions): the merge goes by event time.
        TrackedEvent cancelled = KlaviyoBodies.track(booking("Jane", "+14155550199", "2026-11-24T09:15:00Z"),
                EventType.BOOKING_CANCELLED, "Cancelled Appointment", "ib_1/cancelled");
        TrackedEvent booked = KlaviyoBodies.track(booking("Janet", null, "2026-11-20T15:12:44Z"),
                EventType.BOOKING_CONFIRMED, "Booked Appointment", "ib_1");
        TrackedEvent rescheduled = KlaviyoBodies.track(booking("Janet", null, "2026-11-22T10:00:00Z"),
                EventType.BOOKING_RESCHEDULED, "Rescheduled Appointment", "ib_1/rescheduled");

        String body = JSON.writeValueAsString(KlaviyoBodies.bulkCreateEvents(List.of(List.of(cancelled, booked,
                rescheduled))));
        KlaviyoSpec.assertValid(KlaviyoSpec.BULK_CREATE_EVENTS, body);
        JsonNode entry = JSON.readTree(body).path("data").path("attributes").path("events-bulk-create").path("data")
                .get(0).path("attributes");
        assertEquals(JSON.readTree("""
                {"type": "profile", "attributes": {"email": "jane@example.com", "first_name": "Jane",
                  "last_name": "Doe", "phone_number": "+14155550199", "properties": {
                    "last_booking_at": "2026-11-20T15:12:44Z", "last_booking_channel": "instant",
                    "last_booked_service": "Massage", "last_rescheduled_at": "2026-11-22T10:00:00Z",
                    "last_cancelled_at": "2026-11-24T09:15:00Z"}}}"""), entry.path("profile").path("data"));
        assertEquals(3, entry.path("events").path("data").size());
    }

    @Test
    void cancellingOrReschedulingLeavesTheLastBookingPropertiesAlone() {
        for (EventType step : List.of(EventType.BOOKING_RESCHEDULED, EventType.BOOKING_CANCELLED)) {
            JsonNode properties = KlaviyoBodies.track(booking("Jane", null, "2026-11-24T09:15:00Z"), step, "M", "u")
                    .profile().path("attributes").path("properties");
            assertEquals(1, properties.size(), step + ": " + properties);
            assertFalse(properties.has("last_booking_at") || properties.has("last_booked_service"), step.name());
        }
    }

    private static BookingEvent booking(String firstName, String phone, String occurredAt) {
        return new BookingEvent("ib_1", BookingChannel.INSTANT, "downtown-salon.myshopify.com",
                new Customer(null, "jane@example.com", firstName, "Doe", phone, null), null,
                new BookingEvent.Service("svc-1", null, null, "Massage", null, null), null, null, List.of(),
                OffsetDateTime.parse(occurredAt));
    }
}
