package io.customerflow.tagging;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.customerflow.registry.SecretBox;
import io.customerflow.registry.ShopRecord;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Shops come from the registry while tagging runs: a shop installed after start is tagged with its registry token
 * and its own tag names, a refreshed token is used from the next call, a 401 asks for a refresh, waits for the
 * refreshed token and tries once more with it, an expired token is never sent, and an uninstalled shop gets no call
 * at all. No restart anywhere.
 */
@QuarkusTest
class RegistryShopsTest extends TaggingTestBase {

    private static final String SHOP = "registry-salon.myshopify.com";
    private static final String TOPIC = "test.tagging.shops.v1";
    private static final SecretBox BOX = new SecretBox(Map.of("test", "Y3VzdG9tZXItZmxvdyB0ZXN0cyBkYXRhIGtleSAzMmI="), null);
    private static final String GID = "gid://shopify/Customer/";

    @Test
    void aShopInstalledRefreshedAndUninstalledWhileTaggingRunsIsFollowedWithoutARestart() {
        stubOk(SHOP);
        write(1, ShopRecord.Status.INSTALLED, "shpat_registry_one");
        publish(EventType.ORDER_CREATED, "registry-1", order(SHOP, 9_300_001L, 93_001L, BOOKING, null));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> shopify().verify(exactly(1),
                mutationOn(SHOP, "tagsAdd", GID + 93_001L).withHeader("X-Shopify-Access-Token", equalTo("shpat_registry_one"))
                        .withRequestBody(containing("予約済み"))));

        write(2, ShopRecord.Status.INSTALLED, "shpat_registry_two");
        publish(EventType.ORDER_CREATED, "registry-2", order(SHOP, 9_300_002L, 93_002L, BOOKING, null));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> shopify().verify(exactly(1),
                mutationOn(SHOP, "tagsAdd", GID + 93_002L).withHeader("X-Shopify-Access-Token", equalTo("shpat_registry_two"))));

        // Token two is refused from now on; the owner writes token three a moment later: one retry, with three.
        shopify().stubFor(post(urlPathEqualTo(endpoint(SHOP))).withHeader("X-Shopify-Access-Token",
                equalTo("shpat_registry_two")).atPriority(1).willReturn(aResponse().withStatus(401)
                        .withBody("{\"errors\": \"[API] Invalid API key or access token\"}")));
        try (var requests = kafka.tail("test.tagging.shops.refresh-requests.v1")) {
            publish(EventType.ORDER_CREATED, "registry-3", order(SHOP, 9_300_003L, 93_003L, BOOKING, null));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> shopify().verify(exactly(1),
                    mutationOn(SHOP, "tagsAdd", GID + 93_003L).withHeader("X-Shopify-Access-Token", equalTo("shpat_registry_two"))));
            // The 401 asks the shop's refresh owner (an ingest replica) for a new token of version 2, once.
            var asked = requests.await(1, r -> SHOP.equals(r.key()), Duration.ofSeconds(10));
            assertEquals("{\"version\":2}", new String(asked.get(0).value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        write(3, ShopRecord.Status.INSTALLED, "shpat_registry_three");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> shopify().verify(exactly(1),
                mutationOn(SHOP, "tagsAdd", GID + 93_003L).withHeader("X-Shopify-Access-Token", equalTo("shpat_registry_three"))));

        // A token past its expiry is never sent: the call waits for the refreshed one.
        write(4, ShopRecord.Status.INSTALLED, "shpat_registry_expired", OffsetDateTime.now().minusSeconds(1));
        publish(EventType.ORDER_CREATED, "registry-expired", order(SHOP, 9_300_005L, 93_005L, BOOKING, null));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> shopify().findAll(
                mutationOn(SHOP, "tagsAdd", GID + 93_005L)).isEmpty());
        write(5, ShopRecord.Status.INSTALLED, "shpat_registry_five");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> shopify().verify(exactly(1),
                mutationOn(SHOP, "tagsAdd", GID + 93_005L).withHeader("X-Shopify-Access-Token", equalTo("shpat_registry_five"))));
        shopify().verify(exactly(0), mutationOn(SHOP, "tagsAdd", GID + 93_005L)
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_registry_expired")));

        write(6, ShopRecord.Status.UNINSTALLED, null);
        double before = count("dead.letters", "reason", "uninstalled");
        publish(EventType.ORDER_CREATED, "registry-4", order(SHOP, 9_300_004L, 93_004L, BOOKING, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("dead.letters", "reason", "uninstalled") > before);
        shopify().verify(exactly(0), mutationOn(SHOP, "tagsAdd", GID + 93_004L));
    }

    @jakarta.inject.Inject
    io.customerflow.registry.RegisteredShops registry;

    /** Writes the shop's next version and waits until tagging has read it (as a replica would within a poll). */
    private void write(long version, ShopRecord.Status status, String token) {
        write(version, status, token, OffsetDateTime.now().plusHours(1));
    }

    private void write(long version, ShopRecord.Status status, String token, OffsetDateTime expiresAt) {
        ShopRecord.Credential credential = token == null ? null : new ShopRecord.Credential(
                ShopRecord.Credential.Kind.EXPIRING, BOX.seal(SHOP, "accessToken", token),
                expiresAt, BOX.seal(SHOP, "refreshToken", "shprt_" + token),
                OffsetDateTime.now().plusDays(90));
        ShopRecord record = new ShopRecord(SHOP, status, "test-app", List.of("write_customers"), credential, null,
                new ShopRecord.Settings(true, false, Map.of("booked-appointment", "予約済み")), OffsetDateTime.now(),
                version);
        kafka.send(TOPIC, SHOP, null, EventJson.toBytes(record));
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.find(SHOP).map(ShopRecord::version).orElse(0L) == version);
    }
}
