package io.customerflow.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventType;

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
            List<TaggingConfig.Action> actions, Optional<Set<String>> channels) implements TaggingConfig.Rule {
        R(String name, boolean enabled, String trigger, String match, List<TaggingConfig.Condition> conditions,
                List<TaggingConfig.Action> actions) {
            this(name, enabled, trigger, match, conditions, actions, Optional.empty());
        }
    }

    static R step(String name, String trigger, Set<String> channels, List<TaggingConfig.Condition> conditions) {
        return new R(name, true, trigger, "ANY", conditions, List.of(TAG),
                channels == null ? Optional.empty() : Optional.of(channels));
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

    @Test
    void bookingStepRulesFireOnTheirStepForTheirChannels() {
        var instantOnly = Rules.compile(List.of(step("instant", "booking_confirmed", Set.of("instant"), List.of()))).get(0);
        var any = Rules.compile(List.of(step("any", "BOOKING_NO_SHOW", null, List.of()))).get(0);
        var instant = new BookingEvent("ib_1", BookingChannel.INSTANT, "s.myshopify.com",
                new Customer(null, "a@example.com", null, null, null, null), null, null, null, null, List.of(),
                java.time.OffsetDateTime.now());
        var checkout = new BookingEvent("s/1/1", BookingChannel.CHECKOUT, "s.myshopify.com", instant.customer(),
                new BookingEvent.OrderRef(1L, null, 1L), null, null, null, List.of(), instant.occurredAt());
        assertTrue(instantOnly.firesOn(EventType.BOOKING_CONFIRMED) && !instantOnly.firesOn(EventType.ORDER_CREATED));
        assertTrue(instantOnly.matches(instant) && !instantOnly.matches(checkout));
        assertTrue(any.matches(instant) && any.matches(checkout) && any.firesOn(EventType.BOOKING_NO_SHOW));
    }

    @Test
    void channelsBelongToBookingStepsAndLineItemConditionsToOrders() {
        Map<String, R> bad = Map.of(
                "channels on an order rule", new R("order-channels", true, "ORDER_CREATED", "ANY",
                        List.of(property("Duration", null)), List.of(TAG), Optional.of(Set.of("INSTANT"))),
                "conditions on a step", step("step-conditions", "BOOKING_COMPLETED", null, List.of(property("Duration", null))),
                "unknown channel", step("bad-channel", "BOOKING_COMPLETED", Set.of("PHONE"), List.of()),
                "unknown step", step("bad-step", "BOOKING_ARRIVED", null, List.of()));
        bad.forEach((why, rule) -> {
            var e = assertThrows(IllegalArgumentException.class, () -> Rules.compile(List.of(rule)), why);
            assertTrue(e.getMessage().contains("'" + rule.name() + "'") && e.getMessage().contains("tagging.rules[0]"),
                    why + ": " + e.getMessage());
        });
    }
}
