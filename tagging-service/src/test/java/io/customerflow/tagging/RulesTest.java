package io.customerflow.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.customerflow.events.Property;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.service.Rules;

/** Rule compilation: matching, and a clear error naming a bad rule (the service refuses to start with it). */
class RulesTest {

    record Cond(String type, Optional<String> property, Optional<String> valuePattern, Optional<String> tag,
            Optional<List<Long>> productIds, Optional<String> prefix) implements TaggingConfig.Condition {
    }

    record Act(String type, List<String> tags) implements TaggingConfig.Action {
    }

    record R(String name, boolean enabled, String trigger, String match, List<TaggingConfig.Condition> conditions,
            List<TaggingConfig.Action> actions) implements TaggingConfig.Rule {
    }

    static Cond property(String name, String pattern) {
        return new Cond("LINE_ITEM_PROPERTY", Optional.of(name), Optional.ofNullable(pattern), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    static final Act TAG = new Act("ADD_CUSTOMER_TAGS", List.of("booked"));

    @Test
    void propertyWithValuePatternAndSkuPrefixMatch() {
        var sku = new Cond("SKU_PREFIX", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("SVC-"));
        Rules.Rule all = Rules.compile(List.of(new R("r", true, "order_created", "ALL",
                List.of(property("Duration", "\\d+ Minutes"), sku), List.of(TAG)))).get(0);
        var order = TaggingTestBase.order("s.myshopify.com", 1L, 2L, List.of(new Property("Duration", "45 Minutes")), 3L);
        assertTrue(!all.matches(order, i -> Set.of()), "SKU-1 doesn't start with SVC-");
        Rules.Rule any = Rules.compile(List.of(new R("r", true, "ORDER_CREATED", "ANY",
                List.of(property("Duration", "\\d+ Minutes"), sku), List.of(TAG)))).get(0);
        assertTrue(any.matches(order, i -> Set.of()));
    }

    @Test
    void disabledRulesAreValidatedButNotUsed() {
        assertEquals(List.of(), Rules.compile(List.of(new R("off", false, "ORDER_CREATED", "ANY",
                List.of(property("Duration", null)), List.of(TAG)))));
    }

    @Test
    void badRulesAreRefusedWithTheirName() {
        Map<String, R> bad = Map.of(
                "unknown trigger", new R("tag-on-refund", true, "ORDER_REFUNDED", "ANY", List.of(property("Duration", null)), List.of(TAG)),
                "bad regex", new R("broken-pattern", true, "ORDER_CREATED", "ANY", List.of(property("Duration", "([")), List.of(TAG)),
                "no action", new R("does-nothing", true, "ORDER_CREATED", "ANY", List.of(property("Duration", null)), List.of()),
                "bad action", new R("bad-action", true, "ORDER_CREATED", "ANY", List.of(property("Duration", null)),
                        List.of(new Act("DELETE_CUSTOMER", List.of("x")))),
                "missing tag", new R("no-tag", true, "ORDER_CREATED", "ANY", List.of(new Cond("PRODUCT_TAG", Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())), List.of(TAG)));
        bad.forEach((why, rule) -> {
            var e = assertThrows(IllegalArgumentException.class, () -> Rules.compile(List.of(rule)), why);
            assertTrue(e.getMessage().contains("'" + rule.name() + "'") && e.getMessage().contains("tagging.rules[0]"),
                    why + ": " + e.getMessage());
        });
    }
}
