package io.customerflow.events.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;

/** What a type's schema file says, read from the file itself (so a test's expectations follow the contract). */
final class EventSchemaFiles {

    private EventSchemaFiles() {
    }

    /** The top-level {@code required} fields of the type's data. */
    static List<String> required(EventType type) {
        try (InputStream in = EventType.class.getResourceAsStream(type.schemaResource())) {
            JsonNode schema = EventJson.mapper().readTree(in);
            List<String> names = new ArrayList<>();
            schema.path("required").forEach(n -> names.add(n.asText()));
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
