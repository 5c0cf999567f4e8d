package io.customerflow.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.infra.TestConfigs;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.service.RuleSet;

/**
 * Rules as an operator writes them (properties through SmallRye Config, the same mapping the service uses), given
 * to {@link RuleSet}, the bean that compiles them at start. {@link BadRuleStopsStartupTest} proves the bean runs at
 * start; this test covers what it says about each kind of mistake, and the shipped defaults.
 */
class RuleConfigTest {

    static TaggingConfig config(Map<String, String> properties) {
        // Quarkus' own converter, so durations read as in the service ("10m", "200ms").
        return TestConfigs.mapping(TaggingConfig.class, properties);
    }

    /** A valid rule 0 and, as rule 1, a copy of it changed by {@code change} (key suffix → value, null removes). */
    static Map<String, String> validRuleThenOneChanged(Map<String, String> change) {
        Map<String, String> p = new HashMap<>();
        for (String at : List.of("tagging.rules[0]", "tagging.rules[1]")) {
            p.put(at + ".name", at.endsWith("[0]") ? "good" : "the-bad-one");
            p.put(at + ".trigger", "ORDER_CREATED");
            p.put(at + ".conditions[0].type", "LINE_ITEM_PROPERTY");
            p.put(at + ".conditions[0].property", "Duration");
            p.put(at + ".conditions[1].type", "PRODUCT_TAG");
            p.put(at + ".conditions[1].tag", "sesami-service");
            p.put(at + ".actions[0].type", "ADD_CUSTOMER_TAGS");
            p.put(at + ".actions[0].tags", "booked-appointment");
        }
        change.forEach((key, value) -> {
            if (value == null) {
                p.remove("tagging.rules[1]" + key);
            } else {
                p.put("tagging.rules[1]" + key, value);
            }
        });
        return p;
    }

    @Test
    void aValidConfigurationCompiles() {
        assertEquals(List.of("good", "the-bad-one"), new RuleSet(config(validRuleThenOneChanged(Map.of())))
                .enabled().stream().map(r -> r.name()).toList());
    }

    @Test
    void eachMistakeNamesTheRuleItsIndexAndTheField() {
        Map<String, Map<String, String>> mistakes = new java.util.LinkedHashMap<>();
        mistakes.put(".trigger", Map.of(".trigger", "ORDER_REFUNDED"));
        mistakes.put(".match", Map.of(".match", "MOST"));
        mistakes.put(".conditions[1].tag", mapOf(".conditions[1].tag", null));
        mistakes.put(".conditions[0].type", Map.of(".conditions[0].type", "CUSTOMER_TAG"));
        mistakes.put(".conditions[0].value-pattern", Map.of(".conditions[0].value-pattern", "(["));
        mistakes.put(".conditions[1].product-ids", Map.of(".conditions[1].type", "PRODUCT_ID"));
        mistakes.put(".conditions[1].prefix", Map.of(".conditions[1].type", "SKU_PREFIX"));
        mistakes.put(".actions[0].type", Map.of(".actions[0].type", "DELETE_CUSTOMER"));
        mistakes.put(".actions[0].tags", Map.of(".actions[0].tags", "a\\,b"));
        mistakes.forEach((field, change) -> {
            TaggingConfig config = config(validRuleThenOneChanged(change));
            var e = assertThrows(IllegalArgumentException.class, () -> new RuleSet(config), field);
            assertTrue(e.getMessage().startsWith("tagging rule 'the-bad-one' (tagging.rules[1]) is invalid: tagging.rules[1]"
                    + field), field + " → " + e.getMessage());
        });
    }

    @Test
    void aDisabledRuleMustStillBeValid() {
        Map<String, String> p = validRuleThenOneChanged(Map.of(".enabled", "false", ".trigger", "ORDER_REFUNDED"));
        var e = assertThrows(IllegalArgumentException.class, () -> new RuleSet(config(p)));
        assertTrue(e.getMessage().contains("tagging.rules[1].trigger 'ORDER_REFUNDED'"), e.getMessage());
    }

    /**
     * The shipped defaults react to bookings, which ingest alone decides (docs/BOOKINGS.md): a confirmed booking of
     * either channel earns the booking tag, its cancellation (off by default) takes it back; visits and no-shows earn
     * their own. No default rule matches line items, so none can disagree with ingest about what a booking is.
     */
    @Test
    void theDefaultRulesReactToBookings() throws IOException {
        TaggingConfig defaults = config(shippedProperties());
        assertEquals(List.of(
                "booked-appointment BOOKING_CONFIRMED [CHECKOUT] ADD_CUSTOMER_TAGS:[booked-appointment]",
                "booking-cancelled BOOKING_CANCELLED [] REMOVE_CUSTOMER_TAGS:[booked-appointment]",
                "instant-booked-appointment BOOKING_CONFIRMED [INSTANT] ADD_CUSTOMER_TAGS:[booked-appointment]",
                "completed-appointment BOOKING_COMPLETED [] ADD_CUSTOMER_TAGS:[completed-appointment]",
                "missed-appointment BOOKING_NO_SHOW [] ADD_CUSTOMER_TAGS:[missed-appointment]"),
                defaults.rules().stream().map(r -> r.name() + " " + r.trigger() + " "
                        + r.channels().map(java.util.TreeSet::new).map(Object::toString).orElse("[]") + " "
                        + r.actions().get(0).type() + ":" + r.actions().get(0).tags()).toList());
        assertTrue(defaults.rules().stream().allMatch(r -> r.conditions().isEmpty()), "no line-item conditions");
        assertEquals(List.of("booked-appointment", "instant-booked-appointment", "completed-appointment",
                "missed-appointment"), new RuleSet(defaults).enabled().stream().map(r -> r.name()).toList(),
                "the cancel rule is off by default");
    }

    /**
     * A merchant who changed the conditions of the default rule as it was (an order rule matching booking marks or the
     * booking product tag) now changes a booking rule: the service stops at start, naming the rule and where booking
     * products are configured now.
     */
    @Test
    void anOldOverrideOfTheDefaultRulesConditionsStopsTheStartNamingWhereBookingsAreDecided() throws IOException {
        Map<String, String> p = shippedProperties();
        p.put("tagging.rules[0].conditions[0].type", "PRODUCT_TAG");
        p.put("tagging.rules[0].conditions[0].tag", "our-booking-product");
        var e = assertThrows(IllegalArgumentException.class, () -> new RuleSet(config(p)));
        assertTrue(e.getMessage().startsWith("tagging rule 'booked-appointment' (tagging.rules[0]) is invalid: "
                + "tagging.rules[0].conditions:"), e.getMessage());
        assertTrue(e.getMessage().contains("ingest.booking.product-tags"), e.getMessage());
    }

    /** The service's own application.properties, default profile. */
    static Map<String, String> shippedProperties() throws IOException {
        var properties = new java.util.Properties();
        try (var in = RuleConfigTest.class.getResourceAsStream("/application.properties")) {
            properties.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        Map<String, String> tagging = new HashMap<>();
        properties.stringPropertyNames().stream().filter(k -> k.startsWith("tagging."))
                .forEach(k -> tagging.put(k, properties.getProperty(k)));
        return tagging;
    }

    private static Map<String, String> mapOf(String key, String value) {
        Map<String, String> m = new HashMap<>();
        m.put(key, value);
        return m;
    }
}
