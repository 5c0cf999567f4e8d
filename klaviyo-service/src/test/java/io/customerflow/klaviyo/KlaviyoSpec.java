package io.customerflow.klaviyo;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;

/** Validates request bodies against Klaviyo's official OpenAPI spec (slices in src/test/resources/klaviyo-openapi). */
final class KlaviyoSpec {

    static final String CREATE_EVENT = "create_event.json#/components/schemas/EventCreateQueryV2";
    static final String BULK_CREATE_EVENTS = "bulk_create_events.json#/components/schemas/EventsBulkCreateJob";
    static final String PROFILE_DELETION = "request_profile_deletion.json#/components/schemas/DataPrivacyCreateDeletionJobQuery";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
            builder -> builder.metaSchema(OpenApi30.getInstance()).defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));

    private KlaviyoSpec() {
    }

    static Set<String> errors(String schema, String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return SCHEMAS.computeIfAbsent(schema, s -> FACTORY.getSchema(SchemaLocation.of("classpath:klaviyo-openapi/" + s)))
                    .validate(node).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
        } catch (java.io.IOException e) {
            return Set.of("not JSON");
        }
    }

    static void assertValid(String schema, String body) {
        Set<String> errors = errors(schema, body);
        if (!errors.isEmpty()) {
            fail("Klaviyo's spec rejects the body: " + errors + "\n" + body);
        }
    }
}
