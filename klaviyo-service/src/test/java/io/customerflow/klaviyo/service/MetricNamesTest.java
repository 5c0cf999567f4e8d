package io.customerflow.klaviyo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.events.EventType;
import io.customerflow.infra.TestConfigs;
import io.customerflow.klaviyo.config.KlaviyoConfig;

/** Metric names resolved shop → account → default from real configuration, and checked at startup. */
class MetricNamesTest {

    private static final String SHOP = "annex.myshopify.com";

    @Test
    void aShopsNameWinsOverItsAccountsWhichWinsOverTheDefault() {
        KlaviyoConfig config = config(Map.of(
                "klaviyo.shops.\"" + SHOP + "\".confirmed-metric", "Annex Booked",
                "klaviyo.accounts.a.cancelled-metric", "Account Cancelled"));
        MetricNames names = new MetricNames(config);
        var account = java.util.Optional.of(config.accounts().get("a"));
        assertEquals("Annex Booked", names.of(SHOP, account, EventType.BOOKING_CONFIRMED));
        assertEquals("Account Cancelled", names.of(SHOP, account, EventType.BOOKING_CANCELLED));
        assertEquals("Rescheduled Appointment", names.of(SHOP, account, EventType.BOOKING_RESCHEDULED));
        assertEquals("Booked Appointment", names.of("other.myshopify.com", account, EventType.BOOKING_CONFIRMED));
        // A key of the shop registry: no account names, the shop's own still count.
        assertEquals("Annex Booked", names.of(SHOP, java.util.Optional.empty(), EventType.BOOKING_CONFIRMED));
        assertEquals("Cancelled Appointment", names.of(SHOP, java.util.Optional.empty(), EventType.BOOKING_CANCELLED));
    }

    @Test
    void aNameKlaviyoWouldRefuseStopsTheStart() {
        String longest = "M".repeat(127);
        new MetricNames(config(Map.of("klaviyo.shops.\"" + SHOP + "\".confirmed-metric", longest)));

        var tooLong = assertThrows(IllegalStateException.class, () -> new MetricNames(config(Map.of(
                "klaviyo.shops.\"" + SHOP + "\".rescheduled-metric", longest + "M"))));
        assertTrue(tooLong.getMessage().contains("klaviyo.shops.\"" + SHOP + "\".rescheduled-metric has 128 characters"),
                tooLong.getMessage());
        var blank = assertThrows(IllegalStateException.class, () -> new MetricNames(config(Map.of(
                "klaviyo.accounts.a.cancelled-metric", " "))));
        assertTrue(blank.getMessage().contains("klaviyo.accounts.a.cancelled-metric is blank"), blank.getMessage());
    }

    private static KlaviyoConfig config(Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "klaviyo.accounts.a.api-key", "pk_unit",
                "klaviyo.accounts.a.shops", SHOP));
        properties.putAll(extra);
        return TestConfigs.mapping(KlaviyoConfig.class, properties);
    }
}
