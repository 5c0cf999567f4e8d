package io.customerflow.klaviyo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.customerflow.events.testing.EventSchemas;
import io.customerflow.klaviyo.messaging.Channels;
import io.quarkus.test.junit.QuarkusTest;

/** Exact Klaviyo requests for each booking step, conformant to Klaviyo's OpenAPI spec. */
@QuarkusTest
class KlaviyoEventsTest extends KlaviyoTestBase {

    @Test
    void checkoutBookingBecomesExactlyThisCreateEvent() {
        BookingEvent booking = EventJson.fromBytes(EventSchemas.sample(EventType.BOOKING_CONFIRMED), BookingEvent.class);
        publish(EventType.BOOKING_CONFIRMED, booking.bookingId(), booking);

        await().atMost(Duration.ofSeconds(20)).until(() -> requests(EVENTS).size() == 1);
        klaviyo().verify(postRequestedFor(urlEqualTo(EVENTS))
                .withHeader("Authorization", equalTo("Klaviyo-API-Key pk_test_salon"))
                .withHeader("revision", equalTo("2026-07-15"))
                .withHeader("Content-Type", equalTo("application/vnd.api+json"))
                .withHeader("Accept", equalTo("application/vnd.api+json"))
                .withRequestBody(equalToJson("""
                        {"data": {"type": "event", "attributes": {
                          "properties": {"booking_id": "downtown-salon.myshopify.com/5531267940632/13622453502232",
                            "channel": "checkout", "shop": "downtown-salon.myshopify.com", "service": "Haircut & Style",
                            "service_variant": "45 Minutes", "product_id": "8012345678901", "date": "December 4, 2026",
                            "time": "3:30 PM", "timezone": "America/New_York", "duration": "45 Minutes",
                            "duration_minutes": 45, "location": "Downtown", "resources": "Alex",
                            "order_id": "5531267940632", "order_name": "#1042"},
                          "time": "2026-11-20T15:12:44Z", "value": 65.00, "value_currency": "USD",
                          "unique_id": "downtown-salon.myshopify.com/5531267940632/13622453502232",
                          "metric": {"data": {"type": "metric", "attributes": {"name": "Booked Appointment"}}},
                          "profile": {"data": {"type": "profile", "attributes": {"email": "jane.doe@example.com",
                            "first_name": "Jane", "last_name": "Doe", "properties": {
                              "last_booking_at": "2026-11-20T15:12:44Z", "last_booking_channel": "checkout",
                              "last_booked_service": "Haircut & Style"}}}}}}}""")));
        KlaviyoSpec.assertValid(KlaviyoSpec.CREATE_EVENT, requests(EVENTS).get(0).getBodyAsString());
    }

    @Test
    void instantBookingWithCjkNamesAndItsRescheduleAndCancelEachHaveTheirMetric() {
        BookingEvent b = instant("tokyo-spa.myshopify.com", "ib_cjk1", "wang@example.cn", "小明", "王");
        BookingEvent moved = moved(b, "2026-12-06T14:00:00+08:00", "2026-11-23T08:00:00Z");
        BookingEvent cancelled = moved(b, "2026-12-06T14:00:00+08:00", "2026-11-24T09:15:00Z");
        publish(EventType.BOOKING_CONFIRMED, "ib_cjk1", b);
        publish(EventType.BOOKING_RESCHEDULED, "ib_cjk1/rescheduled/2026-12-06T06:00:00Z", moved);
        publish(EventType.BOOKING_CANCELLED, "ib_cjk1/cancelled", cancelled);

        await().atMost(Duration.ofSeconds(20)).until(() -> requests(EVENTS).size() == 3);
        List<String> bodies = requests(EVENTS).stream().map(r -> r.getBodyAsString()).toList();
        bodies.forEach(body -> KlaviyoSpec.assertValid(KlaviyoSpec.CREATE_EVENT, body));
        List<String> metrics = bodies.stream().map(body -> body.replaceAll(".*\"metric\":\\{\"data\":\\{\"type\":\"metric\","
                + "\"attributes\":\\{\"name\":\"([^\"]+)\".*", "$1")).sorted().toList();
        assertEquals(List.of("Booked Appointment", "Cancelled Appointment", "Rescheduled Appointment"), metrics);
        String booked = bodies.stream().filter(body -> body.contains("Booked Appointment")).findFirst().orElseThrow();
        assertTrue(booked.contains("\"first_name\":\"小明\",\"last_name\":\"王\""), booked);
        assertTrue(booked.contains("\"start\":\"2026-12-05T06:00:00Z\",\"end\":\"2026-12-05T07:00:00Z\""), booked);

        String profile = """
                "profile": {"data": {"type": "profile", "attributes": {"email": "wang@example.cn",
                  "first_name": "小明", "last_name": "王", "properties": %s}}}""";
        String properties = """
                "properties": {"booking_id": "ib_cjk1", "channel": "instant", "shop": "tokyo-spa.myshopify.com",
                  "service": "Massage", "service_id": "svc-1", "start": "%s", "end": "%s", "timezone": "Asia/Shanghai",
                  "duration": "60 minutes", "duration_minutes": 60}""";
        verifyExactly("""
                {"data": {"type": "event", "attributes": {%s, "time": "2026-11-22T10:30:00Z", "unique_id": "ib_cjk1",
                  "metric": {"data": {"type": "metric", "attributes": {"name": "Booked Appointment"}}}, %s}}}"""
                .formatted(properties.formatted("2026-12-05T06:00:00Z", "2026-12-05T07:00:00Z"), profile.formatted(
                        "{\"last_booking_at\": \"2026-11-22T10:30:00Z\", \"last_booking_channel\": \"instant\","
                                + " \"last_booked_service\": \"Massage\"}")));
        verifyExactly("""
                {"data": {"type": "event", "attributes": {%s, "time": "2026-11-23T08:00:00Z",
                  "unique_id": "ib_cjk1/rescheduled/2026-12-06T06:00:00Z",
                  "metric": {"data": {"type": "metric", "attributes": {"name": "Rescheduled Appointment"}}}, %s}}}"""
                .formatted(properties.formatted("2026-12-06T06:00:00Z", "2026-12-06T07:00:00Z"),
                        profile.formatted("{\"last_rescheduled_at\": \"2026-11-23T08:00:00Z\"}")));
        verifyExactly("""
                {"data": {"type": "event", "attributes": {%s, "time": "2026-11-24T09:15:00Z",
                  "unique_id": "ib_cjk1/cancelled",
                  "metric": {"data": {"type": "metric", "attributes": {"name": "Cancelled Appointment"}}}, %s}}}"""
                .formatted(properties.formatted("2026-12-06T06:00:00Z", "2026-12-06T07:00:00Z"),
                        profile.formatted("{\"last_cancelled_at\": \"2026-11-24T09:15:00Z\"}")));
    }

    /** Exactly this body (no field more or less), once, with the account's key and the JSON:API headers. */
    private static void verifyExactly(String body) {
        klaviyo().verify(1, postRequestedFor(urlEqualTo(EVENTS))
                .withHeader("Authorization", equalTo("Klaviyo-API-Key pk_test_salon"))
                .withHeader("revision", equalTo("2026-07-15"))
                .withHeader("Content-Type", equalTo("application/vnd.api+json"))
                .withHeader("Accept", equalTo("application/vnd.api+json"))
                .withRequestBody(equalToJson(body)));
    }

    private static BookingEvent moved(BookingEvent b, String start, String occurredAt) {
        var a = b.appointment();
        return new BookingEvent(b.bookingId(), b.channel(), b.shop(), b.customer(), b.order(), b.service(),
                new BookingEvent.Appointment(a.date(), a.time(), OffsetDateTime.parse(start), a.timezone(), a.duration(),
                        a.durationMinutes(), a.location(), a.resources()),
                b.price(), b.properties(), OffsetDateTime.parse(occurredAt));
    }

    @Test
    void redeliveryKeepsTheSameUniqueId() {
        BookingEvent b = instant("downtown-salon.myshopify.com", "ib_redeliver", "r@example.com", "R", "D");
        publish(EventType.BOOKING_CONFIRMED, "ib_redeliver", b);
        await().atMost(Duration.ofSeconds(20)).until(() -> requests(EVENTS).size() == 1);
        // More deliveries than the service remembers (klaviyo.delivery.recently-delivered), as after a restart.
        for (int i = 0; i < 25; i++) {
            publish(EventType.BOOKING_CONFIRMED, "ib_filler" + i, instant("downtown-salon.myshopify.com", "ib_filler" + i,
                    "f" + i + "@example.com", "F", "I"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sentEvents().size() == 26);
        publish(EventType.BOOKING_CONFIRMED, "ib_redeliver", b);
        publish(EventType.BOOKING_CONFIRMED, "ib_marker", instant("downtown-salon.myshopify.com", "ib_marker",
                "m@example.com", "M", "K"));
        await().atMost(Duration.ofSeconds(20)).until(() -> requests(EVENTS).stream()
                .anyMatch(r -> r.getBodyAsString().contains("ib_marker")));
        await().atMost(Duration.ofSeconds(5)).until(() -> sentEvents().stream()
                .filter(e -> "ib_redeliver".equals(e.bookingId())).count() == 2);
        List<String> uniqueIds = sentEvents().stream().filter(e -> "ib_redeliver".equals(e.bookingId()))
                .map(SentEvent::uniqueId).toList();
        assertFalse(uniqueIds.isEmpty());
        assertTrue(uniqueIds.size() <= 2, "a repeat, if sent at all, carries the same unique_id: " + uniqueIds);
        assertEquals(List.of("ib_redeliver", "ib_redeliver"), uniqueIds,
                "the redelivery reached Klaviyo with the first delivery's unique_id");
    }

    @Test
    void accountKeepsItsOwnMetricNames() {
        publish(EventType.BOOKING_CONFIRMED, "ib_legacy", instant("legacy-flows.myshopify.com", "ib_legacy",
                "l@example.com", "L", "F"));
        await().atMost(Duration.ofSeconds(20)).until(() -> requests(EVENTS).size() == 1);
        klaviyo().verify(postRequestedFor(urlEqualTo(EVENTS))
                .withHeader("Authorization", equalTo("Klaviyo-API-Key pk_test_legacy"))
                .withRequestBody(equalToJson("{\"data\": {\"attributes\": {\"metric\": {\"data\": {\"attributes\":"
                        + " {\"name\": \"Sesami Appointment Created\"}}}}}}", true, true)));
    }

    @Test
    void aShopsOwnMetricNamesWinOverItsAccountsWhichWinOverTheDefaults() {
        BookingEvent b = instant("legacy-annex.myshopify.com", "ib_annex", "a@example.com", "A", "X");
        publish(EventType.BOOKING_CONFIRMED, "ib_annex", b);
        publish(EventType.BOOKING_RESCHEDULED, "ib_annex/rescheduled", b);
        publish(EventType.BOOKING_CANCELLED, "ib_annex/cancelled", b);
        await().atMost(Duration.ofSeconds(20)).until(() -> sentEvents().size() == 3);
        java.util.Map<String, String> metricByUniqueId = new java.util.TreeMap<>();
        sentEvents().forEach(e -> metricByUniqueId.put(e.uniqueId(),
                e.attributes().path("metric").path("data").path("attributes").path("name").asText()));
        assertEquals(java.util.Map.of(
                "ib_annex", "Annex Appointment Booked", // klaviyo.shops."legacy-annex.myshopify.com"
                "ib_annex/cancelled", "Sesami Appointment Cancelled", // klaviyo.accounts.legacy
                "ib_annex/rescheduled", "Rescheduled Appointment"), // klaviyo.metrics default
                metricByUniqueId);
    }

    @Test
    void tooManyRequestsIsWaitedOutForRetryAfter() {
        klaviyo().stubFor(post(urlEqualTo(EVENTS)).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("ok"));
        klaviyo().stubFor(post(urlEqualTo(EVENTS)).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(202)));
        publish(EventType.BOOKING_CONFIRMED, "ib_429", instant("downtown-salon.myshopify.com", "ib_429", "t@example.com",
                "T", "M"));

        await().atMost(Duration.ofSeconds(20)).until(() -> requests(EVENTS).size() == 2);
        var calls = requests(EVENTS);
        long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertTrue(gap >= 1950, "retried after " + gap + " ms, Retry-After said 2 s");
    }

    @Test
    void validationErrorsAndUnknownShopsAreDeadLetteredWithTheDetail() {
        klaviyo().stubFor(post(urlEqualTo(EVENTS)).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
                .containing("bad@example.com")).willReturn(aResponse().withStatus(400).withBody("""
                        {"errors": [{"id": "1", "code": "invalid", "title": "Invalid input.",
                          "detail": "The phone number provided either does not exist or is ineligible.",
                          "source": {"pointer": "/data/attributes/profile/data/attributes/phone_number"}}]}""")));
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            publish(EventType.BOOKING_CONFIRMED, "ib_400", instant("downtown-salon.myshopify.com", "ib_400",
                    "bad@example.com", "B", "A"));
            publish(EventType.BOOKING_CONFIRMED, "ib_noshop", instant("unknown-shop.myshopify.com", "ib_noshop",
                    "u@example.com", "U", "S"));
            publish(EventType.BOOKING_CONFIRMED, "ib_noid", instant("downtown-salon.myshopify.com", "ib_noid", null,
                    "N", "I"));

            var dead = dlq.await(3, Duration.ofSeconds(30));
            assertEquals(3, dead.size());
            java.util.Map<String, String> reasons = new java.util.TreeMap<>();
            dead.forEach(r -> reasons.put(CloudEvent.header(r.headers(), "ce_id"),
                    CloudEvent.header(r.headers(), "dead-letter-reason")));
            assertTrue(reasons.get("ib_400").contains("does not exist or is ineligible")
                    && reasons.get("ib_400").contains("/phone_number"), reasons.toString());
            assertTrue(reasons.get("ib_noshop").contains("no Klaviyo account"), reasons.toString());
            assertTrue(reasons.get("ib_noid").contains("profile identifier"), reasons.toString());
        }
    }

    @Test
    void redactBecomesADeletionRequestAfterThatCustomersBookings() {
        // Klaviyo takes its time with the booking: the deletion must still wait for its answer.
        klaviyo().stubFor(post(urlEqualTo(EVENTS)).atPriority(1).withRequestBody(containing("ib_forget"))
                .willReturn(aResponse().withStatus(202).withFixedDelay(1000)));
        BookingEvent b = instant("downtown-salon.myshopify.com", "ib_forget", "forget.me@example.com", "F", "M");
        publish(EventType.BOOKING_CONFIRMED, "ib_forget", b);
        publish(EventType.CUSTOMER_REDACT_REQUESTED, "redact-forget", new CustomerRedactRequested(
                "downtown-salon.myshopify.com", 9L, "forget.me@example.com", List.of(), OffsetDateTime.now()));

        await().atMost(Duration.ofSeconds(20)).until(() -> requests(DELETIONS).size() == 1);
        String body = requests(DELETIONS).get(0).getBodyAsString();
        KlaviyoSpec.assertValid(KlaviyoSpec.PROFILE_DELETION, body);
        assertEquals("{\"data\":{\"type\":\"data-privacy-deletion-job\",\"attributes\":{\"profile\":{\"data\":"
                + "{\"type\":\"profile\",\"attributes\":{\"email\":\"forget.me@example.com\"}}}}}}", body);
        long booked = requests(EVENTS).get(0).getLoggedDate().getTime();
        long deleted = requests(DELETIONS).get(0).getLoggedDate().getTime();
        assertTrue(booked <= deleted, "the booking went first");
        assertTrue(deleted - booked >= 1000, "the deletion waited for the booking's delayed answer: "
                + (deleted - booked) + " ms after the booking arrived");
    }

    @Test
    void theSpecCheckRejectsAMalformedBody() {
        assertFalse(KlaviyoSpec.errors(KlaviyoSpec.CREATE_EVENT, "{\"data\": {\"type\": \"events\", \"attributes\": {}}}")
                .isEmpty(), "a wrong type and missing metric/profile/properties must fail validation");
    }

    @Test
    void theSpecCheckRejectsAValueSentAsText() {
        String valid = """
                {"data": {"type": "event", "attributes": {"properties": {"booking_id": "b"}, "value": 65.00,
                  "value_currency": "USD", "metric": {"data": {"type": "metric", "attributes": {"name": "Booked"}}},
                  "profile": {"data": {"type": "profile", "attributes": {"email": "v@example.com"}}}}}}""";
        assertEquals(java.util.Set.of(), KlaviyoSpec.errors(KlaviyoSpec.CREATE_EVENT, valid));
        var errors = KlaviyoSpec.errors(KlaviyoSpec.CREATE_EVENT, valid.replace("\"value\": 65.00", "\"value\": \"65.00\""));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.iterator().next().contains("value"), errors.toString());
    }
}
