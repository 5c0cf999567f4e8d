package io.customerflow.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One shop-domain rule for the Java code and the JSON Schemas. */
class ShopDomainsTest {

    @Test
    void theSchemasShopPatternIsTheJavaOne() throws Exception {
        try (InputStream in = ShopDomains.class.getResourceAsStream("/events/schemas/common.schema.json")) {
            String pattern = EventJson.mapper().readTree(in).at("/$defs/shop/pattern").asText();
            assertEquals("^" + ShopDomains.PATTERN + "$", pattern);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "demo-salon.myshopify.com", "a.myshopify.com", "0shop.myshopify.com" })
    void acceptsShopDomains(String shop) {
        assertTrue(ShopDomains.isValid(shop));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "Demo.myshopify.com", "-x.myshopify.com", "x.myshopify.com.evil.io", "x.example.com",
            "x.myshopify.com/../admin" })
    void refusesAnythingElse(String shop) {
        assertFalse(ShopDomains.isValid(shop));
        assertFalse(ShopDomains.isValid(null));
    }
}
