package io.customerflow.klaviyo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.customerflow.events.EventType;
import io.customerflow.klaviyo.messaging.Channels;
import io.quarkus.test.junit.QuarkusTest;

/** Klaviyo throttling or failing: the account backs off as a whole, and nothing is lost or dead-lettered. */
@QuarkusTest
class KlaviyoOutageTest extends KlaviyoTestBase {

    private static final String SALON = "downtown-salon.myshopify.com";

    @Test
    void aTooManyRequestsHoldsBackTheWholeAccountOnThatEndpointUntilRetryAfter() {
        klaviyo().stubFor(post(urlEqualTo(EVENTS)).atPriority(1)
                .withHeader("Authorization", equalTo("Klaviyo-API-Key pk_test_salon"))
                .inScenario("throttled").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5").withBody(
                        "{\"errors\": [{\"id\": \"x\", \"code\": \"throttled\", \"title\": \"Request was throttled.\"}]}"))
                .willSetStateTo("open"));
        publish(EventType.BOOKING_CONFIRMED, "ib_block0", instant(SALON, "ib_block0", "b0@example.com", "B", "0"));
        await().atMost(Duration.ofSeconds(20)).until(() -> throttled() != null);

        // Bookings arriving while the account is throttled: without the block they would go out at once.
        for (int i = 1; i <= 10; i++) {
            publish(EventType.BOOKING_CONFIRMED, "ib_block" + i, instant(SALON, "ib_block" + i, "b" + i + "@example.com",
                    "B", Integer.toString(i)));
        }
        publish(EventType.BOOKING_CONFIRMED, "ib_block_other_account", instant("legacy-flows.myshopify.com",
                "ib_block_other_account", "o@example.com", "O", "A"));

        Set<String> expected = IntStream.rangeClosed(0, 10).mapToObj(i -> "ib_block" + i)
                .collect(Collectors.toCollection(TreeSet::new));
        expected.add("ib_block_other_account");
        await().atMost(Duration.ofSeconds(20)).until(() -> acceptedUniqueIds().containsAll(expected));

        ServeEvent throttled = throttled();
        long throttledAt = throttled.getRequest().getLoggedDate().getTime();
        List<Long> salonOffsets = klaviyo().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(EVENTS) && !e.getId().equals(throttled.getId())
                        && "Klaviyo-API-Key pk_test_salon".equals(e.getRequest().getHeader("Authorization")))
                .map(e -> e.getRequest().getLoggedDate().getTime() - throttledAt).sorted().toList();
        // At least the retry. The 10 held-back bookings go after Retry-After as single creates or before it in a
        // bulk job (another endpoint, with limits of its own): never as single creates within it.
        assertTrue(salonOffsets.size() >= 1, "the retry: " + salonOffsets);
        assertTrue(salonOffsets.get(0) >= 4950,
                "no request of the throttled account within Retry-After (ms after the 429): " + salonOffsets);
        long otherAccount = klaviyo().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getBodyAsString().contains("ib_block_other_account"))
                .mapToLong(e -> e.getRequest().getLoggedDate().getTime() - throttledAt).min().orElseThrow();
        assertTrue(otherAccount < 4950, "another account's key is not held back: " + otherAccount + " ms");
    }

    @Test
    void serverErrorStormAndTimeoutsAreRetriedAndNothingIsLostOrDeadLettered() {
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            // Several seconds of 5xx for everyone, and one booking whose answer never comes within the read timeout.
            List<StubMapping> storm = List.of(
                    klaviyo().stubFor(post(urlEqualTo(EVENTS)).atPriority(2).willReturn(aResponse().withStatus(503))),
                    klaviyo().stubFor(post(urlEqualTo(EVENTS)).atPriority(1).withRequestBody(containing("ib_storm1"))
                            .willReturn(aResponse().withStatus(500))),
                    klaviyo().stubFor(post(urlEqualTo(EVENTS)).atPriority(1).withRequestBody(containing("ib_storm2"))
                            .willReturn(aResponse().withStatus(504))),
                    klaviyo().stubFor(post(urlEqualTo(EVENTS)).atPriority(1).withRequestBody(containing("ib_storm0"))
                            .willReturn(aResponse().withStatus(503).withFixedDelay(3000))));
            for (int i = 0; i < 10; i++) {
                publish(EventType.BOOKING_CONFIRMED, "ib_storm" + i, instant(SALON, "ib_storm" + i,
                        "s" + i + "@example.com", "S", "T"));
            }
            await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
            storm.forEach(klaviyo()::removeStub);
            long failed = klaviyo().getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() >= 500).count();
            long timedOut = requests(EVENTS).stream().filter(r -> r.getBodyAsString().contains("ib_storm0")).count();
            assertTrue(failed >= 20, "a storm, not a blip: " + failed + " answers 5xx");
            assertTrue(timedOut >= 2, "the booking whose answer outlasted the read timeout was retried: " + timedOut);

            Set<String> expected = IntStream.range(0, 10).mapToObj(i -> "ib_storm" + i)
                    .collect(Collectors.toCollection(TreeSet::new));
            await().atMost(Duration.ofSeconds(40)).until(() -> acceptedUniqueIds().containsAll(expected));
            List<String> ids = klaviyo().getAllServeEvents().stream()
                    .filter(e -> e.getResponse().getStatus() == 202 && e.getRequest().getUrl().equals(EVENTS))
                    .map(e -> e.getRequest().getBodyAsString().replaceAll(".*\"unique_id\":\"([^\"]+)\".*", "$1"))
                    .distinct().sorted().toList();
            assertEquals(10, ids.size(), "every booking accepted once the storm passed: " + ids);
            assertEquals(List.of(), dlq.drain(Duration.ofSeconds(3)), "nothing dead-lettered");
        }
    }

    private static ServeEvent throttled() {
        return klaviyo().getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 429).findFirst()
                .orElse(null);
    }

    private static Set<String> acceptedUniqueIds() {
        return sentEvents().stream().filter(e -> e.status() == 202).map(SentEvent::uniqueId)
                .collect(Collectors.toSet());
    }
}
