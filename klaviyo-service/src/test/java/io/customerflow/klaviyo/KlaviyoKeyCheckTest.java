package io.customerflow.klaviyo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.events.EventJson;
import io.customerflow.events.ShopHealthReport;
import io.customerflow.registry.SecretBox;
import io.customerflow.registry.ShopRecord;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Each account's key is checked on a schedule with Klaviyo's cheapest authenticated call, and the result is reported
 * to the health of every shop the account serves: a key Klaviyo no longer knows (401) shows as revoked on the
 * console before a booking fails; a key without {@code accounts:read} (403) still authenticates. The key itself is in
 * no report.
 */
@QuarkusTest
class KlaviyoKeyCheckTest extends KlaviyoTestBase {

    private static final String REGISTRY = "test.klaviyo.shops.v1";
    private static final String HEALTH = "test.klaviyo.shops.health.v1";
    private static final SecretBox BOX = new SecretBox(Map.of("test", "Y3VzdG9tZXItZmxvdyB0ZXN0cyBkYXRhIGtleSAzMmI="), null);
    private static final String REVOKED = "keycheck-revoked.myshopify.com";
    private static final String NARROW = "keycheck-narrow.myshopify.com";

    @Test
    void aRevokedKeyShowsOnItsShopsAndAValidOneToo() {
        klaviyo().stubFor(get(urlEqualTo(ACCOUNTS)).atPriority(1)
                .withHeader("Authorization", equalTo("Klaviyo-API-Key pk_keycheck_revoked"))
                .willReturn(aResponse().withStatus(401).withBody("{\"errors\": [{\"status\": 401, \"code\":"
                        + " \"not_authenticated\", \"title\": \"Authentication credentials were not provided.\"}]}")));
        klaviyo().stubFor(get(urlEqualTo(ACCOUNTS)).atPriority(1)
                .withHeader("Authorization", equalTo("Klaviyo-API-Key pk_keycheck_narrow"))
                .willReturn(aResponse().withStatus(403).withBody("{\"errors\": [{\"status\": 403, \"code\":"
                        + " \"permission_denied\", \"title\": \"You do not have permission to perform this action.\"}]}")));
        try (var health = kafka.tail(HEALTH)) {
            register(REVOKED, "pk_keycheck_revoked");
            register(NARROW, "pk_keycheck_narrow");
            var reports = health.await(3, r -> List.of(REVOKED + "/klaviyo", NARROW + "/klaviyo",
                    "downtown-salon.myshopify.com/klaviyo").contains(r.key()), Duration.ofSeconds(40));
            assertEquals("revoked", state(reports, REVOKED));
            assertEquals("valid", state(reports, NARROW), "403: the key authenticates, it lacks only accounts:read");
            assertEquals("valid", state(reports, "downtown-salon.myshopify.com"), "an account of klaviyo.accounts");
            for (var r : reports) {
                String value = new String(r.value(), StandardCharsets.UTF_8);
                assertTrue(EventJson.fromBytes(r.value(), ShopHealthReport.class)
                        .validFor(ShopHealthReport.Aspect.KLAVIYO), value);
                assertFalse(value.contains("pk_"), "no key in a report: " + value);
            }
        }
        assertTrue(klaviyo().findAll(getRequestedFor(urlEqualTo(ACCOUNTS))).stream()
                .allMatch(r -> r.containsHeader("revision")), "every check names the API revision");
    }

    private static String state(List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> reports,
            String shop) {
        return reports.stream().filter(r -> r.key().equals(shop + "/klaviyo")).reduce((a, b) -> b)
                .map(r -> EventJson.fromBytes(r.value(), ShopHealthReport.class).state()).orElse(null);
    }

    private static void register(String shop, String klaviyoKey) {
        var credential = new ShopRecord.Credential(ShopRecord.Credential.Kind.EXPIRING,
                BOX.seal(shop, "accessToken", "shpat_" + shop.hashCode()), OffsetDateTime.now().plusHours(1),
                BOX.seal(shop, "refreshToken", "shprt_" + shop.hashCode()), OffsetDateTime.now().plusDays(90));
        kafka.send(REGISTRY, shop, null, EventJson.toBytes(new ShopRecord(shop, ShopRecord.Status.INSTALLED,
                "test-app", List.of("write_customers"), credential, BOX.seal(shop, "klaviyoKey", klaviyoKey),
                ShopRecord.Settings.DEFAULT, OffsetDateTime.now(), 1)));
    }
}
