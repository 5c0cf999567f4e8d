package io.customerflow.klaviyo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
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
        String key = data instanceof BookingEvent b ? EventKeys.bookingKey(b) : "k";
        kafka.send(Topics.CUSTOMER_EVENTS, key, new CloudEvent(ceId, type, "/test", null, OffsetDateTime.now())
                .toHeaders(), value);
    }

    static BookingEvent instant(String shop, String id, String email, String first, String last) {
        return new BookingEvent(id, BookingChannel.INSTANT, shop, new Customer(null, email, first, last, null, null),
                null, new BookingEvent.Service("svc-1", null, null, "Massage", null, null),
                new BookingEvent.Appointment(null, null, OffsetDateTime.parse("2026-12-05T14:00:00+08:00"),
                        "Asia/Shanghai", "60 minutes", 60, null, List.of()),
                null, List.of(), OffsetDateTime.parse("2026-11-22T10:30:00Z"));
    }
}
