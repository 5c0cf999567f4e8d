package io.customerflow.tagging;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.customerflow.events.AppUninstalled;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.tagging.messaging.Channels;
import io.customerflow.tagging.service.ShopRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** Shopify's cost throttle, per-shop pacing, retries and dead letters. */
@QuarkusTest
class RateLimitAndFailureTest extends TaggingTestBase {

    @Inject
    ShopRegistry shops;

    @Test
    void nearlyEmptyBucketThenThrottledIsWaitedOutWithNoCallOverTheLimit() {
        // A shop no other test calls: the first answer is what the client knows of its bucket.
        String shop = "nearly-empty.myshopify.com";
        // 1st call leaves 2 points at 10 points/s: a 10-point call fits again only 0.8 s later.
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("bucket").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"data\": {\"tagsAdd\": {\"node\": {\"id\": \"a\"}, \"userErrors\": []}}, "
                        + cost(2, 10) + "}")).willSetStateTo("empty"));
        // 2nd call: THROTTLED anyway (another app of the shop spent the points), bucket at 0.
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("bucket").whenScenarioStateIs("empty")
                .willReturn(okJson("{\"errors\": [{\"message\": \"Throttled\", \"extensions\": {\"code\": \"THROTTLED\","
                        + " \"documentation\": \"https://shopify.dev/api/usage/rate-limits\"}}], " + cost(0, 10) + "}"))
                .willSetStateTo("restored"));
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("bucket").whenScenarioStateIs("restored")
                .willReturn(okJson(tagsAddOk("b"))));

        publish(EventType.ORDER_CREATED, "evt-busy-1", order(shop, 1L, 11L, BOOKING, 1L));
        publish(EventType.ORDER_CREATED, "evt-busy-2", order(shop, 2L, 12L, BOOKING, 1L));

        await().atMost(Duration.ofSeconds(30)).until(() -> shopify().findAll(tagsAddFor(shop)).size() == 3);
        List<LoggedRequest> calls = shopify().findAll(tagsAddFor(shop));
        long gap1 = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        long gap2 = calls.get(2).getLoggedDate().getTime() - calls.get(1).getLoggedDate().getTime();
        assertTrue(gap1 >= 750, "paced before the 2nd call: waited " + gap1 + " ms for 8 points at 10/s");
        assertTrue(gap2 >= 950, "waited out THROTTLED: " + gap2 + " ms for 10 points at 10/s");
        shopify().verify(mutationOn(shop, "tagsAdd", "gid://shopify/Customer/12"));
    }

    @Test
    void aThrottledShopDoesNotHoldUpAnother() {
        String busy = "busy-shop.myshopify.com";
        String quiet = "quiet-shop.myshopify.com";
        // Busy shop: empty bucket restoring 1 point/s, so its next call must wait ~10 s.
        shopify().stubFor(post(urlPathEqualTo(endpoint(busy))).willReturn(okJson(
                "{\"data\": {\"tagsAdd\": {\"node\": {\"id\": \"a\"}, \"userErrors\": []}}, " + cost(0, 1) + "}")));
        stubOk(quiet);

        publish(EventType.ORDER_CREATED, "evt-b1", order(busy, 21L, 31L, BOOKING, 1L));
        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(busy)).size() == 1);
        publish(EventType.ORDER_CREATED, "evt-b2", order(busy, 22L, 32L, BOOKING, 1L));
        long start = System.currentTimeMillis();
        publish(EventType.ORDER_CREATED, "evt-q1", order(quiet, 23L, 33L, BOOKING, 1L));

        // Waits longer than the busy shop's 10 s, so that a quiet shop stuck behind it fails the timing check below.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> shopify().findAll(tagsAddFor(quiet)).size() == 1);
        long quietAfter = System.currentTimeMillis() - start;
        assertEquals(1, shopify().findAll(tagsAddFor(busy)).size(), "busy shop's 2nd call still waits for its bucket");
        assertTrue(quietAfter < 7000, "quiet shop tagged after " + quietAfter + " ms, not after the busy shop's ~10 s");
        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(busy)).size() == 2);
    }

    @Test
    void serverErrorsAreRetriedThenSucceed() {
        String shop = "quiet-shop.myshopify.com";
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("5xx").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("one"));
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("5xx").whenScenarioStateIs("one")
                .willReturn(aResponse().withStatus(500)).willSetStateTo("ok"));
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("5xx").whenScenarioStateIs("ok")
                .willReturn(okJson(tagsAddOk("x"))));
        publish(EventType.ORDER_CREATED, "evt-5xx-1", order(shop, 41L, 51L, BOOKING, 1L));
        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(shop)).size() == 3);
    }

    /** Pacing reserves the cost Shopify reported for the query, not an assumed 10 points. */
    @Test
    void throttledCallsArePacedByTheirRequestedCost() {
        String shop = "costly-shop.myshopify.com";
        // A 50-point query with an empty bucket restoring 50 points/s fits again after 1 s (10 points: after 0.2 s).
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("cost").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(throttled(50, 0, 50))).willSetStateTo("restored"));
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("cost").whenScenarioStateIs("restored")
                .willReturn(okJson("{\"data\": {\"tagsAdd\": {\"node\": {\"id\": \"a\"}, \"userErrors\": []}}, "
                        + cost(50, 950, 50) + "}")));
        publish(EventType.ORDER_CREATED, "evt-costly-1", order(shop, 81L, 91L, BOOKING, 1L));

        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(shop)).size() == 2);
        List<LoggedRequest> calls = shopify().findAll(tagsAddFor(shop));
        long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertTrue(gap >= 950, "waited " + gap + " ms for 50 points at 50/s");
    }

    /** THROTTLED is temporary: waited out as long as give-up-after (5 s in tests) allows, not a number of times. */
    @Test
    void aShopThrottledBeyondGiveUpAfterIsDeadLetteredAfterPacedWaits() {
        String shop = "stuck-shop.myshopify.com";
        // Every answer THROTTLED, the bucket empty at 10 points/s: each retry waits 1 s for a 10-point call.
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).willReturn(okJson(throttled(10, 0, 10))));
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            long start = System.currentTimeMillis();
            publish(EventType.ORDER_CREATED, "dl-throttled", order(shop, 82L, 92L, BOOKING, 1L));
            List<ConsumerRecord<String, byte[]>> dead = dlq.await(1, Duration.ofSeconds(15));
            long after = System.currentTimeMillis() - start;
            assertEquals("dl-throttled", CloudEvent.header(dead.get(0).headers(), "ce_id"));
            String reason = CloudEvent.header(dead.get(0).headers(), "dead-letter-reason");
            assertTrue(reason.matches("still THROTTLED by Shopify for stuck-shop\\.myshopify\\.com after \\d+ waits in \\d+ s"),
                    reason);
            assertTrue(after >= 4000, "gave up after " + after + " ms, within give-up-after (5 s)");
        }
        int calls = shopify().findAll(tagsAddFor(shop)).size();
        assertTrue(calls >= 3 && calls <= 6, calls + " calls in 5 s, one per restored second");
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        String shop = "retry-shop.myshopify.com";
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("ok"));
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(okJson(tagsAddOk("x"))));
        double tagged = count("tagging.events", "outcome", "tagged");
        publish(EventType.ORDER_CREATED, "evt-429-1", order(shop, 83L, 93L, BOOKING, 1L));

        await().atMost(Duration.ofSeconds(20)).until(() -> count("tagging.events", "outcome", "tagged") == tagged + 1);
        List<LoggedRequest> calls = shopify().findAll(tagsAddFor(shop));
        assertEquals(2, calls.size());
        long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertTrue(gap >= 950 && gap < 6000, "Retry-After: 1 honoured (the test backoff is 20 ms): " + gap + " ms");
    }

    @Test
    void aTimeoutIsRetried() {
        String shop = "slow-shop.myshopify.com";
        // Answers after 4 s the first time: the client gives up after its 2 s read timeout and tries again.
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(tagsAddOk("x")).withFixedDelay(4000)).willSetStateTo("fast"));
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(okJson(tagsAddOk("x"))));
        double tagged = count("tagging.events", "outcome", "tagged");
        double deadLetters = metrics.find("dead.letters").tag("consumer", "tagging").counters().stream().mapToDouble(c -> c.count()).sum();
        publish(EventType.ORDER_CREATED, "evt-timeout-1", order(shop, 84L, 94L, BOOKING, 1L));

        await().atMost(Duration.ofSeconds(20)).until(() -> count("tagging.events", "outcome", "tagged") == tagged + 1);
        List<LoggedRequest> calls = shopify().findAll(tagsAddFor(shop));
        assertEquals(2, calls.size());
        long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        // Two calls prove the timeout fired: the first call's answer (after 4 s) is a success and would need no retry.
        assertTrue(gap >= 1900, "retried after the 2 s read timeout: " + gap + " ms");
        assertEquals(deadLetters, metrics.find("dead.letters").tag("consumer", "tagging").counters().stream().mapToDouble(c -> c.count()).sum());
    }

    @Test
    void permanentFailuresAreDeadLetteredWithTheReason() {
        String downtown = "downtown-salon.myshopify.com";
        String gone = "gone-shop.myshopify.com";
        shopify().stubFor(post(urlPathEqualTo(endpoint(downtown))).withRequestBody(containing("tagsAdd"))
                .willReturn(okJson("{\"data\": {\"tagsAdd\": {\"node\": null, \"userErrors\": [{\"field\": [\"id\"],"
                        + " \"message\": \"Customer does not exist\"}]}}, " + cost(990, 100) + "}")));
        shopify().stubFor(post(urlPathEqualTo(endpoint("quiet-shop.myshopify.com")))
                .willReturn(aResponse().withStatus(401).withBody("{\"errors\": \"[API] Invalid API key or access token\"}")));
        shopify().stubFor(post(urlPathEqualTo(endpoint("busy-shop.myshopify.com"))).willReturn(aResponse().withStatus(502)));
        shopify().stubFor(post(urlPathEqualTo(endpoint("locked-shop.myshopify.com")))
                .willReturn(aResponse().withStatus(403).withBody("{\"errors\": \"Forbidden\"}")));
        Map<String, Double> before = deadLetterCounts();

        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            publish(EventType.ORDER_CREATED, "dl-usererrors", order(downtown, 61L, 71L, BOOKING, 1L));
            publish(EventType.ORDER_CREATED, "dl-notoken", order("no-token.myshopify.com", 62L, 72L, BOOKING, 1L));
            publish(EventType.ORDER_CREATED, "dl-401", order("quiet-shop.myshopify.com", 63L, 73L, BOOKING, 1L));
            publish(EventType.ORDER_CREATED, "dl-5xx", order("busy-shop.myshopify.com", 64L, 74L, BOOKING, 1L));
            publish(EventType.ORDER_CREATED, "dl-403", order("locked-shop.myshopify.com", 66L, 76L, BOOKING, 1L));
            kafka.send(Topics.ORDERS, gone, new CloudEvent("uninstall-1", EventType.APP_UNINSTALLED, "/test", null,
                    java.time.OffsetDateTime.now()).toHeaders(), EventJson.toBytes(new AppUninstalled(gone,
                            java.time.OffsetDateTime.now())));
            // The uninstall (keyed by shop) and the order (keyed by shop and customer) may sit in different
            // partitions: the order goes out only once the uninstall is known, as it would be in production order.
            await().atMost(Duration.ofSeconds(20)).until(() -> shops.isUninstalled(gone));
            publish(EventType.ORDER_CREATED, "dl-uninstalled", order(gone, 65L, 75L, BOOKING, 1L));

            List<ConsumerRecord<String, byte[]>> dead = dlq.await(6, Duration.ofSeconds(30));
            assertEquals(6, dead.size());
            java.util.Map<String, String> reasons = new java.util.TreeMap<>();
            dead.forEach(r -> reasons.put(CloudEvent.header(r.headers(), "ce_id"),
                    CloudEvent.header(r.headers(), "dead-letter-reason")));
            assertTrue(reasons.get("dl-usererrors").contains("Customer does not exist"), reasons.toString());
            assertTrue(reasons.get("dl-notoken").contains("no Admin API access token"), reasons.toString());
            assertTrue(reasons.get("dl-401").contains("401"), reasons.toString());
            assertTrue(reasons.get("dl-403").equals("Shopify answered 403 for locked-shop.myshopify.com: the access token"
                    + " is invalid or the app was uninstalled"), reasons.toString());
            assertTrue(reasons.get("dl-5xx").matches(".*unavailable for busy-shop.* after \\d+ attempts.*HTTP 502.*"), reasons.toString());
            assertTrue(reasons.get("dl-uninstalled").contains("uninstalled"), reasons.toString());
        }
        assertEquals(0, shopify().findAll(tagsAddFor(gone)).size(), "no call to a shop that uninstalled the app");
        assertEquals(1, shopify().findAll(tagsAddFor("locked-shop.myshopify.com")).size(), "403 is not retried");

        Map<String, Double> after = deadLetterCounts();
        Map<String, Double> added = new java.util.TreeMap<>();
        after.forEach((reason, n) -> {
            if (n - before.getOrDefault(reason, 0.0) != 0) {
                added.put(reason, n - before.getOrDefault(reason, 0.0));
            }
        });
        assertEquals(Map.of("rejected", 1.0, "no_credentials", 1.0, "unauthorized", 2.0, "gave_up", 1.0,
                "uninstalled", 1.0), added);
        String scrape = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(scrape.matches("(?s).*\ndead_letters_total\\{[^}]*consumer=\"tagging\"[^}]*reason=\"unauthorized\"[^}]*} [2-9].*"),
                "Prometheus: dead_letters_total{consumer,reason}");
    }

    private Map<String, Double> deadLetterCounts() {
        Map<String, Double> counts = new java.util.HashMap<>();
        metrics.find("dead.letters").tag("consumer", "tagging").counters().forEach(c -> counts.put(c.getId().getTag("reason"), c.count()));
        return counts;
    }
}
