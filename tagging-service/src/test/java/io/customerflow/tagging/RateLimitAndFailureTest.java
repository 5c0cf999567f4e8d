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
import io.quarkus.test.junit.QuarkusTest;

/** Shopify's cost throttle, per-shop pacing, retries and dead letters. */
@QuarkusTest
class RateLimitAndFailureTest extends TaggingTestBase {

    @Test
    void nearlyEmptyBucketThenThrottledIsWaitedOutWithNoCallOverTheLimit() {
        String shop = "busy-shop.myshopify.com";
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

        await().atMost(Duration.ofSeconds(5)).until(() -> shopify().findAll(tagsAddFor(quiet)).size() == 1);
        long quietAfter = System.currentTimeMillis() - start;
        assertEquals(1, shopify().findAll(tagsAddFor(busy)).size(), "busy shop's 2nd call still waits for its bucket");
        assertTrue(quietAfter < 5000, "quiet shop tagged after " + quietAfter + " ms");
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

        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            publish(EventType.ORDER_CREATED, "dl-usererrors", order(downtown, 61L, 71L, BOOKING, 1L));
            publish(EventType.ORDER_CREATED, "dl-notoken", order("no-token.myshopify.com", 62L, 72L, BOOKING, 1L));
            publish(EventType.ORDER_CREATED, "dl-401", order("quiet-shop.myshopify.com", 63L, 73L, BOOKING, 1L));
            publish(EventType.ORDER_CREATED, "dl-5xx", order("busy-shop.myshopify.com", 64L, 74L, BOOKING, 1L));
            kafka.send(Topics.ORDERS, gone, new CloudEvent("uninstall-1", EventType.APP_UNINSTALLED, "/test", null,
                    java.time.OffsetDateTime.now()).toHeaders(), EventJson.toBytes(new AppUninstalled(gone,
                            java.time.OffsetDateTime.now())));
            publish(EventType.ORDER_CREATED, "dl-uninstalled", order(gone, 65L, 75L, BOOKING, 1L));

            List<ConsumerRecord<String, byte[]>> dead = dlq.await(5, Duration.ofSeconds(30));
            assertEquals(5, dead.size());
            java.util.Map<String, String> reasons = new java.util.TreeMap<>();
            dead.forEach(r -> reasons.put(CloudEvent.header(r.headers(), "ce_id"),
                    CloudEvent.header(r.headers(), "dead-letter-reason")));
            assertTrue(reasons.get("dl-usererrors").contains("Customer does not exist"), reasons.toString());
            assertTrue(reasons.get("dl-notoken").contains("no Admin API access token"), reasons.toString());
            assertTrue(reasons.get("dl-401").contains("401"), reasons.toString());
            assertTrue(reasons.get("dl-5xx").matches(".*unavailable for busy-shop.* after \\d+ attempts.*HTTP 502.*"), reasons.toString());
            assertTrue(reasons.get("dl-uninstalled").contains("uninstalled"), reasons.toString());
        }
        assertEquals(0, shopify().findAll(tagsAddFor(gone)).size(), "no call to a shop that uninstalled the app");
    }
}
