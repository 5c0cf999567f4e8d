package io.customerflow.klaviyo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.customerflow.events.EventType;
import io.customerflow.klaviyo.client.KlaviyoClient;
import io.quarkus.logging.Log;
import io.quarkus.test.junit.QuarkusTest;

/** 2,000 bookings against a stand-in enforcing Klaviyo's published limits: all delivered, none over the limit. */
@QuarkusTest
class RateLimitedDeliveryTest extends KlaviyoTestBase {

    @jakarta.inject.Inject
    KlaviyoClient client;

    @Test
    void twoThousandBookingsAllArriveWithinTheLimits() {
        deliver("ib_load_", 2000);
    }

    @Test
    void aBacklogSwitchesToBulkJobs() {
        // Klaviyo answering slowly (300 ms a request, as over a long link) lets a backlog build up.
        klaviyo().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(EVENTS)).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(202)
                        .withFixedDelay(300)));
        deliver("ib_backlog_", 2000);
        org.junit.jupiter.api.Assertions.assertTrue(requests(BULK).size() > 0, "bulk jobs used under a backlog");
    }

    @Test
    void bookingsGoInABulkJobOnceTheSingleCreatesMinuteIsSpent() {
        RateLimitEnforcer.reset(true);
        // This account's single creates of the last minute, as if they had been sent 5 s ago (95 % of 3,500): a
        // single create could only start when they slide out, 55 s from now.
        long now = System.currentTimeMillis();
        client.limiters("pk_test_spent").get(KlaviyoClient.Endpoint.CREATE_EVENT).seed(
                java.util.Collections.nCopies(3325, now - 5_000), System.nanoTime(), now);
        for (int i = 0; i < 20; i++) {
            String id = "ib_spent_" + i;
            publish(EventType.BOOKING_CONFIRMED, id, instant("spent-minute.myshopify.com", id, "s" + i + "@example.com",
                    "S", Integer.toString(i)));
        }
        // Well before the minute slides: the bookings did not wait for single-create slots.
        await().atMost(Duration.ofSeconds(30)).until(() -> spentMinuteRequests(BULK).stream()
                .mapToLong(b -> Pattern.compile("ib_spent_\\d+").matcher(b).results().count()).sum() >= 20);
        assertEquals(List.of(), spentMinuteRequests(EVENTS), "no single create while its minute is spent");
        spentMinuteRequests(BULK).forEach(b -> KlaviyoSpec.assertValid(KlaviyoSpec.BULK_CREATE_EVENTS, b));
        assertEquals(0, RateLimitEnforcer.OVER_LIMIT.get(), "requests over Klaviyo's limits");
    }

    private static List<String> spentMinuteRequests(String path) {
        return requests(path).stream().filter(r -> "Klaviyo-API-Key pk_test_spent".equals(r.getHeader("Authorization")))
                .map(r -> r.getBodyAsString()).toList();
    }

    private void deliver(String prefix, int count) {
        RateLimitEnforcer.reset(true);
        Pattern uniqueId = Pattern.compile("\"unique_id\":\"(" + prefix + "\\d+)\"");
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            publish(EventType.BOOKING_CONFIRMED, id, instant("flash-sale.myshopify.com", id, "c" + i + "@example.com",
                    "C", Integer.toString(i)));
        }
        Set<String> delivered = new HashSet<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            delivered.clear();
            klaviyo().getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 202).forEach(e -> {
                Matcher m = uniqueId.matcher(e.getRequest().getBodyAsString());
                while (m.find()) {
                    delivered.add(m.group(1));
                }
            });
            return delivered.size() == count;
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        long bulkJobs = requests(BULK).size();
        long singles = requests(EVENTS).size();
        requests(BULK).forEach(r -> KlaviyoSpec.assertValid(KlaviyoSpec.BULK_CREATE_EVENTS, r.getBodyAsString()));
        Log.infof("%d bookings delivered in %.1f s: %d single creates, %d bulk jobs", count, seconds, singles, bulkJobs);
        assertEquals(count, delivered.size());
        assertEquals(0, RateLimitEnforcer.OVER_LIMIT.get(), "requests over Klaviyo's limits");
    }
}
