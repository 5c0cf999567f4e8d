package io.customerflow.events.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;

/**
 * The contract's JSON Schemas for tests: any module asserts that what it produces (or the sample it feeds a
 * consumer) is valid data of its event type. Ships in the events test-jar.
 */
public final class EventSchemas {

    private static final String ID_PREFIX = "https://schemas.customerflow.io/events/";
    private static final Map<EventType, JsonSchema> SCHEMAS = new EnumMap<>(EventType.class);

    private EventSchemas() {
    }

    /** The validation errors of {@code json} as data of {@code type}; empty when valid. */
    public static Set<String> errors(EventType type, byte[] json) {
        try {
            JsonNode node = EventJson.mapper().readTree(json);
            return schema(type).validate(node).stream().map(ValidationMessage::getMessage)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
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

    private static synchronized JsonSchema schema(EventType type) {
        return SCHEMAS.computeIfAbsent(type, t -> {
            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                    builder -> builder.schemaMappers(m -> m.mapPrefix(ID_PREFIX, "classpath:events/schemas/")));
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            String file = t.schemaResource().substring(t.schemaResource().lastIndexOf('/') + 1);
            return factory.getSchema(com.networknt.schema.SchemaLocation.of(ID_PREFIX + file), config);
        });
    }
}
