package io.customerflow.tagging.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.FlowTriggers;
import io.customerflow.infra.ShopifyFlowStandIn;

/**
 * The repository's trigger extensions ({@code extensions/*}) and what tagging sends agree: one extension per
 * {@link FlowTriggers} with its handle and name, every payload key declared with the type of its value, and the
 * extensions follow Shopify's rules (handle, key characters, field types a trigger may have, sentence-case names
 * without punctuation).
 */
class FlowExtensionsTest {

    static final List<ShopifyFlowStandIn.Definition> DEFINITIONS = ShopifyFlowStandIn.read(Path.of("..", "extensions"));
    static final Set<String> TRIGGER_TYPES = Set.of("customer_reference", "order_reference", "product_reference",
            "single_line_text_field", "number_decimal", "boolean", "email", "url");

    @Test
    void oneExtensionPerTriggerWithItsHandleAndName() {
        assertEquals(Arrays.stream(FlowTriggers.values()).map(t -> t.handle() + "=" + t.title()).sorted().toList(),
                DEFINITIONS.stream().map(d -> d.handle() + "=" + d.name()).sorted().toList());
        for (var d : DEFINITIONS) {
            assertTrue(d.handle().matches("[a-z0-9-]{1,30}"), d.handle());
            assertTrue(d.name().matches("[A-Z][a-z]*( [a-z]+)*"), "sentence case, no punctuation: " + d.name());
            d.fields().forEach((key, type) -> {
                assertTrue(TRIGGER_TYPES.contains(type), key + ": " + type + " is no trigger field type");
                assertTrue(type.endsWith("_reference") ? key.equals(type.replace("_reference", "_id"))
                        : key.matches("[A-Za-z ]+"), "letters and spaces only: " + key);
            });
        }
    }

    @Test
    void everyPayloadKeyIsDeclaredWithTheTypeOfItsValue() {
        BookingEvent full = new BookingEvent("b-1", BookingChannel.INSTANT, "s.myshopify.com",
                new Customer(null, "a@example.com", null, null, null, null), new BookingEvent.OrderRef(5L, "#5", 1L),
                new BookingEvent.Service("svc", null, null, "Cut\nand colour", null, null),
                new BookingEvent.Appointment(null, null, OffsetDateTime.parse("2026-12-10T15:00:00Z"), "UTC", null, 45,
                        "Here", List.of("Aiko")), null, List.of(), OffsetDateTime.parse("2026-12-01T00:00:00Z"));
        Map<String, Object> payload = FlowTriggerPayloads.of(full, "gid://shopify/Customer/42");
        for (var d : DEFINITIONS) {
            assertEquals(d.fields().keySet(), payload.keySet(), d.handle() + " declares exactly what is sent");
            Map<String, String> types = new LinkedHashMap<>();
            payload.forEach((k, v) -> types.put(k, v instanceof Long ? "customer_reference"
                    : v instanceof java.math.BigDecimal ? "number_decimal" : "single_line_text_field"));
            assertEquals(d.fields(), types);
        }
        assertEquals(42L, payload.get("customer_id"));
        assertEquals("Cut and colour", payload.get("Service"), "single-line text");
        assertEquals("2026-12-10T15:00:00Z", payload.get("Start"));
        // What a booking app didn't say: empty text, no duration.
        BookingEvent bare = new BookingEvent("b-2", BookingChannel.CHECKOUT, "s.myshopify.com", full.customer(), null,
                null, null, null, List.of(), full.occurredAt());
        Map<String, Object> sparse = FlowTriggerPayloads.of(bare, "gid://shopify/Customer/43");
        assertEquals("", sparse.get("Start"));
        assertEquals("", sparse.get("Order id"));
        assertTrue(!sparse.containsKey("Duration minutes"));
    }
}
