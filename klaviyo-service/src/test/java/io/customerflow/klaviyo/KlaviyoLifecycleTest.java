package io.customerflow.klaviyo;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.customerflow.events.testing.EventSchemas;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/** Completed and no-show steps: their metrics (per shop, per account, default) and profile properties. */
@QuarkusTest
class KlaviyoLifecycleTest extends KlaviyoTestBase {

    @Inject
    MeterRegistry metrics;

    @Test
    void aCompletedCheckoutBookingIsExactlyThisEvent() {
        BookingEvent b = EventJson.fromBytes(EventSchemas.sample(EventType.BOOKING_COMPLETED), BookingEvent.class);
        publish(EventType.BOOKING_COMPLETED, b.bookingId() + "/completed", b);

        await().atMost(Duration.ofSeconds(20)).until(() -> requests(EVENTS).size() == 1);
        klaviyo().verify(1, postRequestedFor(urlEqualTo(EVENTS))
                .withHeader("Authorization", equalTo("Klaviyo-API-Key pk_test_salon"))
                .withHeader("revision", equalTo("2026-07-15"))
                .withRequestBody(equalToJson("""
                        {"data": {"type": "event", "attributes": {
                          "properties": {"booking_id": "downtown-salon.myshopify.com/5531267940632/13622453502232",
                            "channel": "checkout", "shop": "downtown-salon.myshopify.com", "order_id": "5531267940632"},
                          "time": "2026-12-04T21:20:00Z",
                          "unique_id": "downtown-salon.myshopify.com/5531267940632/13622453502232/completed",
                          "metric": {"data": {"type": "metric", "attributes": {"name": "Completed Appointment"}}},
                          "profile": {"data": {"type": "profile", "attributes": {"email": "jane.doe@example.com",
                            "properties": {"last_completed_at": "2026-12-04T21:20:00Z"}}}}}}}""")));
        KlaviyoSpec.assertValid(KlaviyoSpec.CREATE_EVENT, requests(EVENTS).get(0).getBodyAsString());
    }

    @Test
    void aNoShowOfAnInstantBookingIsExactlyThisEventWithItsCjkNames() {
        BookingEvent b = EventJson.fromBytes(EventSchemas.sample(EventType.BOOKING_NO_SHOW), BookingEvent.class);
        publish(EventType.BOOKING_NO_SHOW, b.bookingId() + "/no-show", b);
        publish(EventType.BOOKING_NO_SHOW, b.bookingId() + "/no-show", b); // the booking app reported it twice

        await().atMost(Duration.ofSeconds(20)).until(() -> requests(EVENTS).size() >= 1);
        String body = """
                {"data": {"type": "event", "attributes": {
                  "properties": {"booking_id": "ib_3c1f9a0d2e4b6a8c0e2f4a6b", "channel": "instant",
                    "shop": "tokyo-spa.myshopify.com"},
                  "time": "2026-12-05T02:15:00Z", "unique_id": "ib_3c1f9a0d2e4b6a8c0e2f4a6b/no-show",
                  "metric": {"data": {"type": "metric", "attributes": {"name": "Missed Appointment"}}},
                  "profile": {"data": {"type": "profile", "attributes": {"email": "hanako.yamada@example.jp",
                    "first_name": "花子", "last_name": "山田",
                    "properties": {"last_no_show_at": "2026-12-05T02:15:00Z"}}}}}}}""";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                klaviyo().verify(postRequestedFor(urlEqualTo(EVENTS)).withRequestBody(equalToJson(body))));
        requests(EVENTS).forEach(r -> KlaviyoSpec.assertValid(KlaviyoSpec.CREATE_EVENT, r.getBodyAsString()));
        assertEquals(1, sentEvents().stream().map(SentEvent::uniqueId).distinct().count(),
                "a repeat, if sent, has the same unique_id: Klaviyo counts the no-show once");
    }

    @Test
    void lifecycleMetricsAreConfigurableLikeTheOthers() {
        BookingEvent annex = instant("legacy-annex.myshopify.com", "ib_annex_life", "a@example.com", "A", "X");
        BookingEvent flows = instant("legacy-flows.myshopify.com", "ib_flows_life", "f@example.com", "F", "L");
        publish(EventType.BOOKING_COMPLETED, "ib_annex_life/completed", annex);
        publish(EventType.BOOKING_NO_SHOW, "ib_annex_life/no-show", annex);
        publish(EventType.BOOKING_COMPLETED, "ib_flows_life/completed", flows);
        await().atMost(Duration.ofSeconds(20)).until(() -> sentEvents().size() == 3);
        Map<String, String> metricByUniqueId = new TreeMap<>();
        sentEvents().forEach(e -> metricByUniqueId.put(e.uniqueId(),
                e.attributes().path("metric").path("data").path("attributes").path("name").asText()));
        assertEquals(Map.of(
                "ib_annex_life/completed", "Annex Visit Completed", // klaviyo.shops."legacy-annex.myshopify.com"
                "ib_annex_life/no-show", "Sesami Appointment Missed", // klaviyo.accounts.legacy
                "ib_flows_life/completed", "Completed Appointment"), // klaviyo.metrics default
                metricByUniqueId);
    }

    /**
     * A booking's steps converge on its latest, whatever order they arrive in: a no-show older than the completion
     * sends no "Missed Appointment" (the store keeps it as history); a newer one, a correction, is sent.
     */
    @Test
    void aStepOlderThanItsBookingsLatestIsNotSent() {
        BookingEvent b = instant("downtown-salon.myshopify.com", "ib_steps_order", "steps@example.com", "S", "O");
        double outdated = outdated();
        publish(EventType.BOOKING_COMPLETED, "ib_steps_order/completed", at(b, "2026-12-05T12:00:00Z"));
        publish(EventType.BOOKING_NO_SHOW, "ib_steps_order/no-show", at(b, "2026-12-05T11:00:00Z"));
        await().atMost(Duration.ofSeconds(20)).until(() -> outdated() - outdated >= 1 && sentEvents().size() == 1);
        assertEquals("ib_steps_order/completed", sentEvents().get(0).uniqueId());

        publish(EventType.BOOKING_NO_SHOW, "ib_steps_order/no-show-2", at(b, "2026-12-05T13:00:00Z"));
        await().atMost(Duration.ofSeconds(20)).until(() -> sentEvents().size() == 2);
        assertEquals(List.of("ib_steps_order/completed", "ib_steps_order/no-show-2"),
                sentEvents().stream().map(SentEvent::uniqueId).toList());
        assertEquals(1, outdated() - outdated, 0.0);
    }

    private double outdated() {
        var counter = metrics.find("booking.steps.outdated").counter();
        return counter == null ? 0 : counter.count();
    }

    private static BookingEvent at(BookingEvent b, String time) {
        return new BookingEvent(b.bookingId(), b.channel(), b.shop(), b.customer(), b.order(), b.service(),
                b.appointment(), b.price(), b.properties(), OffsetDateTime.parse(time));
    }
}
