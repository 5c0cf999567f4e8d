package io.customerflow.klaviyo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.EventSchemas;
import io.customerflow.infra.InfraTestResource;
import io.customerflow.infra.KafkaTestClient;
import io.customerflow.infra.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;

/** Real Kafka in, a WireMock Klaviyo out. */
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(KlaviyoStubResource.class)
abstract class KlaviyoTestBase {

    static final String EVENTS = "/api/events";
    static final String BULK = "/api/event-bulk-create-jobs";
    static final String DELETIONS = "/api/data-privacy-deletion-jobs";
    static final String ACCOUNTS = "/api/accounts";
    static final ObjectMapper JSON = new ObjectMapper();
    static KafkaTestClient kafka;

    @BeforeAll
    static void kafka() {
        kafka = new KafkaTestClient(TestInfrastructure.kafka());
    }

    @BeforeEach
    void resetKlaviyo() {
        klaviyo().resetAll();
        RateLimitEnforcer.reset(false);
        for (String path : List.of(EVENTS, BULK, DELETIONS)) {
            klaviyo().stubFor(post(urlEqualTo(path)).atPriority(10).willReturn(aResponse().withStatus(202)));
        }
        klaviyo().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo(ACCOUNTS)).atPriority(10)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/vnd.api+json")
                        .withBody("{\"data\": [{\"type\": \"account\", \"id\": \"AbC123\"}]}")));
    }

    /** Every body sent, in any test so far, conforms to Klaviyo's spec for its path (see {@link SpecConformance}). */
    @AfterEach
    void everyRequestConformedToTheSpec() {
        List<String> failures = List.copyOf(SpecConformance.FAILURES);
        SpecConformance.FAILURES.clear();
        assertEquals(List.of(), failures, "request bodies Klaviyo's OpenAPI spec rejects");
    }

    static WireMockServer klaviyo() {
        return KlaviyoStubResource.server;
    }

    static List<LoggedRequest> requests(String path) {
        return klaviyo().findAll(postRequestedFor(urlEqualTo(path)));
    }

    static void publish(EventType type, String ceId, Object data) {
        byte[] value = EventJson.toBytes(data);
        EventSchemas.assertValid(type, value);
        // The contract's keys: a customer's bookings and privacy requests share one partition, hence one order.
        String key;
        if (data instanceof BookingEvent b) {
            key = EventKeys.bookingKey(b);
        } else if (data instanceof CustomerRedactRequested r) {
            key = EventKeys.customerKey(r.shop(), r.email(), r.shopifyCustomerId(), "redact-" + ceId);
        } else {
            throw new IllegalArgumentException("no key rule for " + data.getClass());
        }
        kafka.send(Topics.CUSTOMER_EVENTS, key, new CloudEvent(ceId, type, "/test", null, OffsetDateTime.now())
                .toHeaders(), value);
    }

    /** One event as Klaviyo received it: the request, Klaviyo's answer, and the event's attributes. */
    record SentEvent(LoggedRequest request, int status, JsonNode attributes, JsonNode profile) {

        String uniqueId() {
            return attributes.path("unique_id").asText(null);
        }

        String bookingId() {
            return attributes.path("properties").path("booking_id").asText(null);
        }
    }

    /** Every event sent so far, single creates and bulk jobs alike, in arrival order. */
    static List<SentEvent> sentEvents() {
        List<SentEvent> out = new ArrayList<>();
        List<ServeEvent> served = new ArrayList<>(klaviyo().getAllServeEvents());
        served.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        for (ServeEvent e : served) {
            JsonNode body = readJson(e.getRequest().getBodyAsString());
            int status = e.getResponse().getStatus();
            JsonNode attributes = body.path("data").path("attributes");
            if (e.getRequest().getUrl().equals(EVENTS)) {
                out.add(new SentEvent(e.getRequest(), status, attributes, attributes.path("profile").path("data")));
            } else if (e.getRequest().getUrl().equals(BULK)) {
                for (JsonNode entry : attributes.path("events-bulk-create").path("data")) {
                    JsonNode profile = entry.path("attributes").path("profile").path("data");
                    for (JsonNode event : entry.path("attributes").path("events").path("data")) {
                        out.add(new SentEvent(e.getRequest(), status, event.path("attributes"), profile));
                    }
                }
            }
        }
        return out;
    }

    static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static BookingEvent instant(String shop, String id, String email, String first, String last) {
        return new BookingEvent(id, BookingChannel.INSTANT, shop, new Customer(null, email, first, last, null, null),
                null, new BookingEvent.Service("svc-1", null, null, "Massage", null, null),
                new BookingEvent.Appointment(null, null, OffsetDateTime.parse("2026-12-05T14:00:00+08:00"),
                        "Asia/Shanghai", "60 minutes", 60, null, List.of()),
                null, List.of(), OffsetDateTime.parse("2026-11-22T10:30:00Z"));
    }
}
