package io.customerflow.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

import io.customerflow.events.EventJson;

/** The registry record, its JSON Schema and its golden sample agree, both ways; the schema holds no plaintext secret. */
class ShopRecordContractTest {

    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(resource("registry/shop-record.schema.json"), SchemaValidatorsConfig.builder()
                    .formatAssertionsEnabled(true).build());

    @Test
    void theGoldenSampleIsValidAndSurvivesTheRecordUnchanged() throws Exception {
        JsonNode golden = EventJson.mapper().readTree(resource("registry/shop-record.sample.json"));
        assertEquals(Set.of(), errors(golden));
        ShopRecord record = EventJson.mapper().treeToValue(golden, ShopRecord.class);
        JsonNode again = EventJson.mapper().readTree(EventJson.toBytes(record));
        assertEquals(golden, again);
        assertEquals(record, EventJson.mapper().treeToValue(again, ShopRecord.class));
    }

    @Test
    void whatTheServicesWriteIsValid() throws Exception {
        SecretBox box = new SecretBox(Map.of("k1", "Y3VzdG9tZXItZmxvdyB0ZXN0cyBkYXRhIGtleSAzMmI="), null);
        String shop = "written.myshopify.com";
        OffsetDateTime now = OffsetDateTime.now();
        ShopRecord installed = new ShopRecord(shop, ShopRecord.Status.INSTALLED, "app", List.of("read_orders"),
                new ShopRecord.Credential(ShopRecord.Credential.Kind.EXPIRING, box.seal(shop, "accessToken", "shpat_1"),
                        now.plusHours(1), box.seal(shop, "refreshToken", "shprt_1"), now.plusDays(90)),
                box.seal(shop, "klaviyoKey", "pk_1"), ShopRecord.Settings.DEFAULT, now, 1, now);
        ShopRecord seeded = new ShopRecord(shop, ShopRecord.Status.INSTALLED, null, List.of(),
                new ShopRecord.Credential(ShopRecord.Credential.Kind.STATIC, box.seal(shop, "accessToken", "shpat_2"),
                        null, null, null), null, null, now, 1);
        for (ShopRecord r : List.of(installed, installed.uninstalled(now), seeded,
                installed.next(ShopRecord.Status.NEEDS_REAUTH, null, installed.klaviyoKey(), now))) {
            assertEquals(Set.of(), errors(EventJson.mapper().readTree(EventJson.toBytes(r))), r.status().name());
        }
    }

    @Test
    void theSchemaRefusesPlaintextSecretsUnknownFieldsAndStrangers() throws Exception {
        ObjectNode golden = (ObjectNode) EventJson.mapper().readTree(resource("registry/shop-record.sample.json"));
        ObjectNode plaintext = golden.deepCopy();
        ((ObjectNode) plaintext.path("credential")).put("accessToken", "shpat_0123456789abcdef");
        ObjectNode plainKey = golden.deepCopy().put("klaviyoKey", "pk_0123456789abcdef");
        ObjectNode unknown = golden.deepCopy().put("webhookSecret", "x");
        ObjectNode stranger = golden.deepCopy().put("shop", "evil.example.com");
        ObjectNode noVersion = golden.deepCopy();
        noVersion.remove("version");
        ObjectNode badStatus = golden.deepCopy().put("status", "paused");
        for (JsonNode bad : List.of(plaintext, plainKey, unknown, stranger, noVersion, badStatus)) {
            assertFalse(errors(bad).isEmpty(), bad.toString());
        }
    }

    private static Set<String> errors(JsonNode json) {
        return SCHEMA.validate(json).stream().map(Object::toString).collect(Collectors.toSet());
    }

    private static InputStream resource(String path) {
        InputStream in = ShopRecord.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new UncheckedIOException(new IOException("no " + path));
        }
        return in;
    }
}
