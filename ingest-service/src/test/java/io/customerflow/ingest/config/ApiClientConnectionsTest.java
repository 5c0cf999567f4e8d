package io.customerflow.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.infra.TestConfigs;

/** What the start-up check says of ingest settings that cannot work (the packaged start: MisconfigurationStopsStartTest). */
class ApiClientConnectionsTest {

    static final String SECRET = "shpat_never_printed_0815";

    static IngestConfig config(Map<String, String> properties) {
        return TestConfigs.mapping(IngestConfig.class, properties);
    }

    @Test
    void anApiClientWithTheKeyInsteadOfItsDigestNamesTheDigestPropertyAndNeverTheKey() {
        List<String> problems = ApiClientConnections.problems(config(Map.of("ingest.shopify.webhook-secrets", "s",
                "ingest.api-clients.app.key-sha256", SECRET, "ingest.api-clients.app.shops", "a.myshopify.com")));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("ingest.api-clients.app.key-sha256 must be 64 hex digits"), problems.get(0));
        assertFalse(problems.toString().contains(SECRET));
    }

    @Test
    void aBlankWebhookSecretIsNamed() {
        assertEquals(List.of("ingest.shopify.webhook-secrets is empty: set your app's client secret"),
                ApiClientConnections.problems(config(Map.of("ingest.shopify.webhook-secrets", " "))));
    }

    @Test
    void anAppsSecretIsEnoughWhenEveryShopIsItsOwn() {
        // Its shops are verified with the app's client secret (HmacVerifier); other secrets are only for shops of no app.
        assertEquals(List.of(), ApiClientConnections.problems(config(Map.of("ingest.app.client-id", "app",
                "ingest.app.client-secret", "s"))));
    }

    @Test
    void theShopifyDefaultsAreReadsOfPages() {
        IngestConfig.Shopify shopify = config(Map.of("ingest.shopify.webhook-secrets", "s")).shopify();
        // Shared with tagging (AdminApiSettings), then what a page of orders needs.
        assertEquals("https://{shop}/admin/api/{version}/graphql.json", shopify.urlTemplate());
        assertEquals("2026-10", shopify.apiVersion());
        assertEquals(java.time.Duration.ofMillis(200), shopify.retryBackoff());
        assertEquals(java.time.Duration.ofMinutes(2), shopify.giveUpAfter());
        assertEquals(java.time.Duration.ofSeconds(20), shopify.readTimeout());
        assertEquals(600, shopify.assumedCallCost());
    }

    @Test
    void anAdmissionLimitBelowItsFloorAndANonPositiveLatencyTargetAreNamed() {
        assertEquals(List.of("ingest.delivery.max-concurrent-requests must be at least 16",
                "ingest.delivery.latency-target must be positive"),
                ApiClientConnections.problems(config(Map.of("ingest.shopify.webhook-secrets", "s",
                        "ingest.delivery.max-concurrent-requests", "8", "ingest.delivery.latency-target", "0s"))));
    }
}
