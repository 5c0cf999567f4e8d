package io.customerflow.tagging.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.infra.TestConfigs;

/**
 * What the start-up check says of Shopify settings that cannot work, read from properties through the service's own
 * mapping. That the check runs at start and stops the packaged service is e2e's {@code MisconfigurationStopsStartTest}.
 */
class ShopifyConnectionsTest {

    static final String SECRET = "shpat_never_printed_0815";

    static TaggingConfig config(Map<String, String> properties) {
        return TestConfigs.mapping(TaggingConfig.class, properties);
    }

    @Test
    void aShopWithoutAnAccessTokenNamesTheTokenProperty() {
        String message = assertThrows(RuntimeException.class,
                () -> config(Map.of("tagging.shops.broken.domain", "broken.myshopify.com"))).getMessage();
        assertTrue(message.contains("tagging.shops.broken.access-token"), message);
    }

    @Test
    void aBlankTokenNamesTheTokenPropertyAndNeverItsValue() {
        List<String> problems = ShopifyConnections.problems(config(Map.of("tagging.shops.shop0.domain",
                "a.myshopify.com", "tagging.shops.shop0.access-token", " ")));
        assertEquals(List.of("tagging.shops.shop0.access-token is blank"), problems);
    }

    @Test
    void aUrlTemplateWithoutTheShopNamesTheTemplateProperty() {
        List<String> problems = ShopifyConnections.problems(config(Map.of("tagging.shops.a.domain", "a.myshopify.com",
                "tagging.shops.a.access-token", SECRET, "tagging.shopify.url-template",
                "https://my-shop.myshopify.com/admin/api/{version}/graphql.json")));
        assertTrue(problems.get(0).startsWith("tagging.shopify.url-template must contain {shop}"), problems.toString());
        assertFalse(problems.toString().contains(SECRET));
    }

    @Test
    void oneDomainUnderTwoNamesNamesBoth() {
        List<String> problems = ShopifyConnections.problems(config(Map.of("tagging.shops.a.domain", "x.myshopify.com",
                "tagging.shops.a.access-token", SECRET, "tagging.shops.b.domain", "x.myshopify.com",
                "tagging.shops.b.access-token", SECRET)));
        assertEquals(List.of("tagging.shops.b.domain is also tagging.shops.a.domain: give each shop one entry"),
                problems);
    }

    @Test
    void theDefaultsWork() {
        assertEquals(List.of(), ShopifyConnections.problems(config(Map.of())));
        TaggingConfig.Shopify shopify = config(Map.of()).shopify();
        // Shared with ingest (AdminApiSettings), then what a mutation needs.
        assertEquals("https://{shop}/admin/api/{version}/graphql.json", shopify.urlTemplate());
        assertEquals("2026-10", shopify.apiVersion());
        assertEquals(java.time.Duration.ofMillis(200), shopify.retryBackoff());
        assertEquals(java.time.Duration.ofMinutes(5), shopify.giveUpAfter());
        assertEquals(java.time.Duration.ofSeconds(10), shopify.readTimeout());
        assertEquals(10, shopify.assumedCallCost());
    }
}
