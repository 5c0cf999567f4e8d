package io.customerflow.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.testing.EventSchemas;

/** Records, JSON and schemas agree, in both directions, for every event type. */
class ContractTest {

    @ParameterizedTest
    @EnumSource(EventType.class)
    void goldenSampleIsValidAgainstItsSchema(EventType type) {
        EventSchemas.assertValid(type, EventSchemas.sample(type));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void goldenSampleSurvivesRecordRoundTripUnchanged(EventType type) throws Exception {
        byte[] golden = EventSchemas.sample(type);
        Object record = EventJson.fromBytes(golden, type.dataClass());
        byte[] again = EventJson.toBytes(record);

        assertEquals(EventJson.mapper().readTree(golden), EventJson.mapper().readTree(again));
        assertEquals(record, EventJson.fromBytes(again, type.dataClass()));
        EventSchemas.assertValid(type, again);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaRejectsAnUnknownField(EventType type) throws Exception {
        ObjectNode sample = (ObjectNode) EventJson.mapper().readTree(EventSchemas.sample(type));
        sample.put("rawPayload", "{...}");
        assertFalse(EventSchemas.errors(type, EventJson.mapper().writeValueAsBytes(sample)).isEmpty(),
                "a field outside the contract must be rejected");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaRejectsAMissingShop(EventType type) throws Exception {
        ObjectNode sample = (ObjectNode) EventJson.mapper().readTree(EventSchemas.sample(type));
        sample.remove("shop");
        assertFalse(EventSchemas.errors(type, EventJson.mapper().writeValueAsBytes(sample)).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyTypeIsFoundByItsCeType(EventType type) {
        assertEquals(type, EventType.fromCeType(type.ceType()).orElseThrow());
        assertNotNull(EventType.class.getResource(type.schemaResource()), type.schemaResource());
    }

    @ParameterizedTest
    @EnumSource(value = EventType.class, names = { "ORDER_CREATED", "ORDER_UPDATED", "ORDER_CANCELLED",
            "BOOKING_CONFIRMED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED", "BOOKING_COMPLETED", "BOOKING_NO_SHOW" })
    void historicalMarkIsInTheSchemaAndSurvivesBothWays(EventType type) throws Exception {
        ObjectNode sample = (ObjectNode) EventJson.mapper().readTree(EventSchemas.sample(type));
        sample.put("historical", true);
        byte[] json = EventJson.mapper().writeValueAsBytes(sample);
        EventSchemas.assertValid(type, json);
        Object record = EventJson.fromBytes(json, type.dataClass());
        boolean historical = record instanceof OrderEvent o ? o.markedHistorical() : ((BookingEvent) record).markedHistorical();
        assertTrue(historical);
        assertEquals(sample, EventJson.mapper().readTree(EventJson.toBytes(record)));

        sample.put("historical", "yes");
        assertFalse(EventSchemas.errors(type, EventJson.mapper().writeValueAsBytes(sample)).isEmpty(),
                "historical is a boolean");
        sample.remove("historical");
        Object live = EventJson.fromBytes(EventJson.mapper().writeValueAsBytes(sample), type.dataClass());
        assertFalse(live instanceof OrderEvent o ? o.markedHistorical() : ((BookingEvent) live).markedHistorical(),
                "absent means live");
    }

    @org.junit.jupiter.api.Test
    void idsBeyondDoublePrecisionSurviveExactly() throws Exception {
        OrderEvent order = EventJson.fromBytes(EventSchemas.sample(EventType.ORDER_UPDATED), OrderEvent.class);
        assertEquals(820982911946154508L, order.orderId());
        assertEquals(115310627314723954L, order.customer().shopifyId());
        JsonNode json = EventJson.mapper().readTree(EventJson.toBytes(order));
        assertTrue(json.get("orderId").isIntegralNumber());
        assertEquals("820982911946154508", json.get("orderId").asText());
    }

    @org.junit.jupiter.api.Test
    void namesInAnyScriptSurviveByteForByte() {
        for (String[] name : new String[][] { { "太郎", "山田" }, { "小明", "王" }, { "Zoë", "Ørsted-Łukasiewicz" },
                { "Ahmed", "عبد الله" }, { "👩🏽‍🔬", "O'Brien, \"Jr\"" } }) {
            Customer customer = new Customer(null, "x@example.com", name[0], name[1], null, null);
            byte[] json = EventJson.toBytes(customer);
            Customer back = EventJson.fromBytes(json, Customer.class);

            assertTrue(Arrays.equals(name[0].getBytes(StandardCharsets.UTF_8),
                    back.firstName().getBytes(StandardCharsets.UTF_8)));
            assertEquals(name[1], back.lastName());
            // Written as raw UTF-8, not \\u escapes: consumers in any language read the same bytes.
            assertTrue(new String(json, StandardCharsets.UTF_8).contains(name[0]));
        }
    }
}
