package io.customerflow.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Instant-booking calls with a valid key whose body has one field null or of the wrong type (create, reschedule
 * and cancel), or a bad header or path id: each must be a 400 naming the field, never a 500, never published.
 */
final class HostileBookings {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<Integer> BAD_REQUEST = Set.of(400);
    private static final String BOOKINGS = "/v1/instant-bookings";
    private static final String ID = "ib_0123456789abcdef01234567";

    // Values of the wrong type for each kind of field; the required kinds add null.
    private static final List<JsonNode> STRING = List.of(F.arrayNode(), F.objectNode(), F.arrayNode().add("a"));
    private static final List<JsonNode> INTEGER = List.of(F.textNode("sixty"), F.numberNode(60.9), F.numberNode(1e10),
            F.numberNode(-5), F.booleanNode(true), F.arrayNode(), F.objectNode());
    private static final List<JsonNode> TIME = List.of(F.numberNode(1_796_452_200L), F.numberNode(1_796_452_200.5),
            F.textNode("2026-12-04T15:30:00"), F.textNode("tomorrow"), F.booleanNode(true), F.arrayNode(), F.objectNode());
    private static final List<JsonNode> OBJECT = List.of(F.textNode("abc"), F.numberNode(5), F.booleanNode(true),
            F.arrayNode(), F.arrayNode().addNull());
    private static final List<JsonNode> LIST = List.of(F.textNode("abc"), F.numberNode(5), F.objectNode(),
            F.arrayNode().addNull(), F.arrayNode().add(F.arrayNode()), F.arrayNode().addNull().addNull());

    private HostileBookings() {
    }

    static List<HostileCorpus.Hostile> invalidFields(String authorization) {
        Map<String, List<JsonNode>> create = new LinkedHashMap<>();
        create.put("shop", required(List.of(F.textNode("evil.example.com"), F.arrayNode())));
        create.put("customer", required(OBJECT));
        create.put("customer.firstName", STRING);
        create.put("customer.lastName", STRING);
        create.put("customer.email", required(List.of(F.textNode("x"), F.arrayNode())));
        create.put("customer.phone", STRING);
        create.put("customer.locale", STRING);
        create.put("service", required(OBJECT));
        create.put("service.id", required(STRING));
        create.put("service.title", required(STRING));
        create.put("service.variant", STRING);
        create.put("start", required(TIME));
        create.put("durationMinutes", required(INTEGER));
        create.put("timezone", required(STRING));
        create.put("resources", withAll(LIST, F.arrayNode().add(""), F.arrayNode().add(F.objectNode())));
        create.put("location", STRING);
        create.put("price", OBJECT);
        create.put("price.amount", required(STRING));
        create.put("price.currency", required(STRING));
        create.put("properties", withAll(LIST, F.arrayNode().add(5)));
        create.put("properties.0.name", required(STRING));
        create.put("properties.0.value", STRING);
        create.put("shopifyOrderId", withAll(INTEGER, F.textNode("99999999999999999999999")));

        Map<String, List<JsonNode>> reschedule = new LinkedHashMap<>();
        reschedule.put("shop", required(List.of(F.numberNode(42), F.objectNode())));
        reschedule.put("customer", required(OBJECT));
        reschedule.put("customer.email", required(STRING));
        reschedule.put("start", required(TIME));
        reschedule.put("durationMinutes", INTEGER);
        reschedule.put("timezone", withAll(STRING, F.textNode("Mars/Olympus_Mons")));

        Map<String, List<JsonNode>> cancel = new LinkedHashMap<>();
        cancel.put("shop", required(List.of(F.booleanNode(false), F.arrayNode())));
        cancel.put("customer", required(OBJECT));
        cancel.put("customer.email", required(STRING));
        cancel.put("customer.phone", withAll(STRING, F.textNode("0312345678")));
        cancel.put("reason", withAll(STRING, F.textNode("x".repeat(501))));

        List<HostileCorpus.Hostile> all = new ArrayList<>();
        add(all, "create", BOOKINGS, InstantBookingTest::validBooking, create, authorization);
        add(all, "reschedule", BOOKINGS + "/" + ID + "/reschedule",
                () -> InstantBookingTest.validChange(true).put("durationMinutes", 90).put("timezone", "Asia/Tokyo"),
                reschedule, authorization);
        add(all, "cancel", BOOKINGS + "/" + ID + "/cancel",
                () -> InstantBookingTest.validChange(false).put("reason", "plans changed"), cancel, authorization);
        return all;
    }

    static List<HostileCorpus.Hostile> invalidHeadersAndPaths(String authorization) {
        String booking = InstantBookingTest.validBooking().toString();
        String change = InstantBookingTest.validChange(true).toString();
        List<HostileCorpus.Hostile> all = new ArrayList<>();
        all.add(new HostileCorpus.Hostile("booking: oversized Idempotency-Key", BAD_REQUEST,
                c -> c.booking(BOOKINGS, booking, authorization, "k".repeat(256))));
        for (String id : List.of("bad!id", "b".repeat(65), "..", "%00", "ib%2F1")) {
            for (String action : List.of("reschedule", "cancel")) {
                all.add(new HostileCorpus.Hostile("booking: invalid path id", Set.of(400, 404),
                        c -> c.booking(BOOKINGS + "/" + id + "/" + action, change, authorization, null)));
            }
        }
        for (String body : List.of("null", "[]", "\"abc\"", "5", "true", "{}")) {
            for (String path : List.of(BOOKINGS, BOOKINGS + "/" + ID + "/reschedule", BOOKINGS + "/" + ID + "/cancel")) {
                all.add(new HostileCorpus.Hostile("booking: body not an object of the request", BAD_REQUEST,
                        c -> c.booking(path, body, authorization, null)));
            }
        }
        // Paths that still route to the resource must still be authenticated.
        for (String path : List.of(BOOKINGS + ";v=1", BOOKINGS + "/" + ID + ";v=1/cancel", BOOKINGS + "/" + ID + "/cancel;v=1")) {
            all.add(new HostileCorpus.Hostile("booking: unauthenticated odd path", Set.of(401, 404),
                    c -> c.booking(path, booking, null, null)));
        }
        return all;
    }

    private static void add(List<HostileCorpus.Hostile> all, String action, String path, Supplier<ObjectNode> valid,
            Map<String, List<JsonNode>> fields, String authorization) {
        fields.forEach((field, values) -> {
            for (JsonNode value : values) {
                ObjectNode body = valid.get();
                set(body, field, value);
                String json = body.toString();
                all.add(new HostileCorpus.Hostile("booking " + action + ": null or wrong type", BAD_REQUEST,
                        c -> c.booking(path, json, authorization, null)));
            }
        });
    }

    /** Sets a dotted path ({@code properties.0.name}); a numeric step indexes an array. */
    private static void set(ObjectNode body, String field, JsonNode value) {
        String[] steps = field.split("\\.");
        JsonNode parent = body;
        for (int i = 0; i < steps.length - 1; i++) {
            parent = parent instanceof ArrayNode a ? a.get(Integer.parseInt(steps[i])) : parent.get(steps[i]);
        }
        String last = steps[steps.length - 1];
        if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    private static List<JsonNode> required(List<JsonNode> wrongTypes) {
        return withAll(wrongTypes, F.nullNode());
    }

    private static List<JsonNode> withAll(List<JsonNode> values, JsonNode... more) {
        List<JsonNode> all = new ArrayList<>(values);
        all.addAll(List.of(more));
        return all;
    }
}
