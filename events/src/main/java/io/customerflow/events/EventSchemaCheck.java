package io.customerflow.events;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * The contract's JSON Schemas ({@code events/schemas/*.schema.json}) as a check every consumer runs on every record
 * before acting on it: a record that lacks a required field or has one of the wrong type or format is refused here,
 * as one {@link InvalidEventException}, instead of failing somewhere inside a consumer.
 *
 * <p>Two modes. {@link Mode#STRICT} is the schema as written (producers' tests and the golden samples).
 * {@link Mode#READER} ignores {@code additionalProperties}: a field a newer producer added must not dead-letter
 * an older consumer's records during a rolling upgrade (the contract's "unknown fields are ignored").
 *
 * <p>The errors name the location and the rule broken, never the value found: the message becomes a log line and a
 * dead-letter header, and a value may be an email.
 */
public final class EventSchemaCheck {

    /** Which rules apply. */
    public enum Mode {
        STRICT, READER
    }

    private static final String ID_PREFIX = "https://schemas.customerflow.io/events/";
    /** Loaded once: the check runs on every record of every consumer, on many threads. */
    private static final Map<EventType, JsonSchema> SCHEMAS = load();

    private EventSchemaCheck() {
    }

    /** The broken rules of {@code data} as the data of {@code type}, sorted; empty when valid. */
    public static Set<String> errors(EventType type, JsonNode data, Mode mode) {
        Set<String> errors = new TreeSet<>();
        for (ValidationMessage m : schema(type).validate(data)) {
            if (mode == Mode.READER && "additionalProperties".equals(m.getType())) {
                continue;
            }
            String at = m.getInstanceLocation().toString();
            String property = m.getProperty();
            errors.add(property != null && !at.endsWith("." + property) ? at + "." + property + ": " + m.getType()
                    : at + ": " + m.getType());
        }
        return errors;
    }

    /** @throws InvalidEventException naming every broken rule */
    public static void check(EventType type, JsonNode data) {
        Set<String> errors = errors(type, data, Mode.READER);
        if (!errors.isEmpty()) {
            throw new InvalidEventException(type.ceType() + " data breaks its schema: " + String.join(", ", errors));
        }
    }

    private static JsonSchema schema(EventType type) {
        return SCHEMAS.get(type);
    }

    private static Map<EventType, JsonSchema> load() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(m -> m.mapPrefix(ID_PREFIX, "classpath:events/schemas/")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        Map<EventType, JsonSchema> schemas = new EnumMap<>(EventType.class);
        for (EventType t : EventType.values()) {
            String file = t.schemaResource().substring(t.schemaResource().lastIndexOf('/') + 1);
            JsonSchema schema = factory.getSchema(SchemaLocation.of(ID_PREFIX + file), config);
            schema.initializeValidators();
            schemas.put(t, schema);
        }
        return schemas;
    }
}
