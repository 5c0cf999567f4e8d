package io.customerflow.events.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.events.EventJson;
import io.customerflow.events.EventSchemaCheck;
import io.customerflow.events.EventType;

/**
 * The contract's JSON Schemas for tests: any module asserts that what it produces (or the sample it feeds a
 * consumer) is valid data of its event type. Ships in the events test-jar.
 */
public final class EventSchemas {

    private EventSchemas() {
    }

    /** The validation errors of {@code json} as data of {@code type} (the schema as written); empty when valid. */
    public static Set<String> errors(EventType type, byte[] json) {
        try {
            JsonNode node = EventJson.mapper().readTree(json);
            return EventSchemaCheck.errors(type, node, EventSchemaCheck.Mode.STRICT);
        } catch (IOException e) {
            return Set.of("not JSON: " + e.getMessage());
        }
    }

    public static void assertValid(EventType type, byte[] json) {
        Set<String> errors = errors(type, json);
        if (!errors.isEmpty()) {
            fail(type + " data breaks its schema: " + errors);
        }
    }

    /** The golden sample of a type, as bytes. */
    public static byte[] sample(EventType type) {
        try (InputStream in = EventType.class.getResourceAsStream(type.sampleResource())) {
            if (in == null) {
                throw new IllegalStateException("no sample " + type.sampleResource());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
