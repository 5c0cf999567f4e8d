package io.customerflow.events.testing;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;

/**
 * Records a consumer must dead-letter without stopping, built from a type's golden sample: each required field
 * left out, each field of the wrong type, bytes that are not JSON, JSON that is no object, an unknown
 * {@code ce_type}. What any producer writing the topic (a replay, a bug, an old producer) could leave there.
 */
public final class PoisonRecords {

    /** One poison record: what is wrong with it, its ce_id, headers and value. */
    public record Poison(String what, String id, Headers headers, byte[] value) {
    }

    private PoisonRecords() {
    }

    /** Every poison of {@code type}, ids {@code <prefix>-<n>}. */
    public static List<Poison> of(EventType type, String prefix) {
        ObjectNode sample = sampleObject(type);
        List<Poison> out = new ArrayList<>();
        for (Iterator<String> names = sample.fieldNames(); names.hasNext();) {
            String field = names.next();
            if (required(type).contains(field)) {
                ObjectNode without = sample.deepCopy();
                without.remove(field);
                out.add(poison(type, prefix, out.size(), "without " + field, without));
            }
            ObjectNode wrong = sample.deepCopy();
            JsonNode value = sample.get(field);
            wrong.set(field, value.isTextual() ? IntNode.valueOf(42) : TextNode.valueOf("not-" + field));
            out.add(poison(type, prefix, out.size(), field + " of the wrong type", wrong));
        }
        out.add(raw(type.ceType(), prefix, out.size(), "not JSON", "{\"shop\": ".getBytes(StandardCharsets.UTF_8)));
        out.add(raw(type.ceType(), prefix, out.size(), "JSON null", "null".getBytes(StandardCharsets.UTF_8)));
        out.add(raw(type.ceType(), prefix, out.size(), "an array", "[]".getBytes(StandardCharsets.UTF_8)));
        out.add(raw("io.customerflow.unknown.v1", prefix, out.size(), "unknown ce_type",
                EventSchemas.sample(type)));
        return out;
    }

    /**
     * Asserts that each poison is among the dead letters, once, with a reason that names no value (an email), and
     * that nothing else of theirs was dead-lettered.
     */
    public static void assertEachDeadLettered(List<Poison> poisons,
            List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> dead) {
        java.util.Map<String, String> reasons = new java.util.TreeMap<>();
        dead.forEach(r -> reasons.put(CloudEvent.header(r.headers(), CloudEvent.ID),
                CloudEvent.header(r.headers(), "dead-letter-reason")));
        for (Poison p : poisons) {
            String reason = reasons.get(p.id());
            if (reason == null || reason.isBlank()) {
                org.junit.jupiter.api.Assertions.fail(p.what() + " (" + p.id() + ") not dead-lettered with a reason");
            }
            if (reason.contains("@example.com")) {
                org.junit.jupiter.api.Assertions.fail("a dead-letter reason names a value: " + reason);
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(poisons.size(), reasons.size(), "dead letters: " + reasons);
    }

    private static List<String> required(EventType type) {
        return EventSchemaFiles.required(type);
    }

    private static Poison poison(EventType type, String prefix, int n, String what, JsonNode value) {
        return raw(type.ceType(), prefix, n, what, EventJson.toBytes(value));
    }

    private static Poison raw(String ceType, String prefix, int n, String what, byte[] value) {
        String id = prefix + "-" + n;
        RecordHeaders headers = new RecordHeaders();
        put(headers, CloudEvent.SPECVERSION, CloudEvent.SPEC_VERSION);
        put(headers, CloudEvent.ID, id);
        put(headers, CloudEvent.TYPE, ceType);
        put(headers, CloudEvent.SOURCE, "/poison");
        put(headers, CloudEvent.TIME, OffsetDateTime.now().toString());
        put(headers, CloudEvent.CONTENT_TYPE, CloudEvent.JSON);
        return new Poison(what, id, headers, value);
    }

    private static void put(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode sampleObject(EventType type) {
        try {
            return (ObjectNode) EventJson.mapper().readTree(EventSchemas.sample(type));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
