package io.customerflow.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.infra.ShopifyFlowStandIn;
import io.customerflow.ingest.rest.FlowLifecycleResource;
import io.customerflow.registry.FlowTriggerUse;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * Shopify Flow's trigger lifecycle callbacks, as Flow sends them (signed with the app's client secret): each shop's use
 * of each trigger lands in the registry's trigger-use topic (never a rewrite of the shop's record), the newer callback wins, and nothing is recorded from a body the app
 * did not sign, a shop it doesn't serve, or a signed body of another kind replayed here.
 */
@QuarkusTest
@TestProfile(InstallProfile.class)
class FlowLifecycleTest extends IngestTestBase {

    private static final String OPERATOR = "Bearer " + InstallProfile.OPERATOR_KEY;

    @jakarta.inject.Inject
    FlowTriggerUse flowUse;

    private static String url() {
        return "http://localhost:" + RestAssured.port + FlowLifecycleResource.PATH;
    }

    private static int callback(String secret, String shop, String trigger, boolean enabled, OffsetDateTime at) {
        return ShopifyFlowStandIn.lifecycle(url(), secret, shop, 690_933_842L, trigger, enabled, at);
    }

    private Map<String, FlowTriggerUse.Use> triggers(String shop) {
        return flowUse.of(shop);
    }

    @Test
    void aMerchantEnablingAndDisablingAWorkflowIsRecordedPerShopAndTrigger() {
        String shop = "flow-salon.myshopify.com";
        ShopInstallTest.install(shop).statusCode(200);
        OffsetDateTime t0 = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);

        // Flow names the trigger by handle or by its name: both count.
        assertEquals(200, callback(InstallProfile.CLIENT_SECRET, shop, "booking-completed", true, t0));
        assertEquals(200, callback(InstallProfile.CLIENT_SECRET, shop, "Booking missed", true, t0));
        await().atMost(Duration.ofSeconds(10)).until(() -> triggers(shop).size() == 2);
        assertTrue(flowUse.uses(shop, "booking-completed"));
        assertTrue(flowUse.uses(shop, "booking-no-show"));
        given().header("Authorization", OPERATOR).get("/v1/shops/" + shop).then().statusCode(200)
                .body("flowTriggers.booking-completed.enabled", org.hamcrest.Matchers.equalTo(true));

        // Disabled later; then a late retry of the older "enabled" changes nothing (the newer timestamp wins).
        assertEquals(200, callback(InstallProfile.CLIENT_SECRET, shop, "booking-completed", false, t0.plusMinutes(5)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !triggers(shop).get("booking-completed").enabled());
        var recorded = triggers(shop);
        assertEquals(200, callback(InstallProfile.CLIENT_SECRET, shop, "booking-completed", true, t0.plusMinutes(1)));
        assertEquals(200, callback(InstallProfile.CLIENT_SECRET, shop, "booking-completed", false, t0.plusMinutes(5)));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> triggers(shop).equals(recorded));
        assertFalse(flowUse.uses(shop, "booking-completed"));
        assertTrue(flowUse.uses(shop, "booking-no-show"), "the other trigger stays");

        // An uninstall forgets them: the app's extensions leave the shop with it.
        byte[] uninstalled = ("{\"id\": 1, \"myshopify_domain\": \"" + shop + "\"}").getBytes(StandardCharsets.UTF_8);
        webhook(uninstalled, headers("X-Shopify-Topic", "app/uninstalled", "X-Shopify-Shop-Domain", shop,
                "X-Shopify-Webhook-Id", "flow-uninstall-1", "X-Shopify-Triggered-At",
                OffsetDateTime.now(ZoneOffset.UTC).toString(), "X-Shopify-Hmac-Sha256",
                io.customerflow.ingest.service.HmacVerifier.signature(InstallProfile.CLIENT_SECRET, uninstalled)))
                .statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> triggers(shop).isEmpty());
        // And a callback for a shop not installed here is refused, so Flow tells the merchant.
        assertEquals(404, callback(InstallProfile.CLIENT_SECRET, shop, "booking-completed", true, t0.plusMinutes(9)));
        assertTrue(triggers(shop).isEmpty());
    }

    @Test
    void aCallbackTheAppDidNotSignOrThatIsMalformedRecordsNothing() {
        String shop = "flow-hostile-salon.myshopify.com";
        ShopInstallTest.install(shop).statusCode(200);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

        assertEquals(401, callback("another-apps-secret", shop, "booking-completed", true, now));
        given().contentType("application/json").body("{}").post(FlowLifecycleResource.PATH).then().statusCode(401);
        // A signed body of another kind (an order webhook of the shop) replayed here: no trigger, nothing written.
        byte[] order = ("{\"id\": 4242, \"shopify_domain\": \"" + shop + "\", \"has_enabled_flow\": true}")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(400, ShopifyFlowStandIn.post(url(), InstallProfile.CLIENT_SECRET, order));
        assertEquals(400, callback(InstallProfile.CLIENT_SECRET, shop, "Order created", true, now));
        assertEquals(400, callback(InstallProfile.CLIENT_SECRET, "not a shop", "booking-completed", true, now));
        byte[] noTime = ("{\"flow_trigger_definition_id\": \"booking-completed\", \"has_enabled_flow\": true, "
                + "\"shopify_domain\": \"" + shop + "\", \"timestamp\": \"yesterday\"}").getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header("X-Shopify-Hmac-Sha256",
                io.customerflow.ingest.service.HmacVerifier.signature(InstallProfile.CLIENT_SECRET, noTime))
                .body(noTime).post(FlowLifecycleResource.PATH).then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("timestamp"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> triggers(shop).isEmpty());

        // Hostile records on the trigger-use topic (a key of no shop, a use without its time) are skipped, and the
        // next callback is recorded as if they had never been written.
        var kafka = new io.customerflow.infra.KafkaTestClient(io.customerflow.infra.TestInfrastructure.kafka());
        String topic = "test.install.flow-triggers.v1";
        kafka.send(topic, "not a shop/booking-completed", null, "{\"enabled\": true, \"at\": \"2026-01-01T00:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8));
        kafka.send(topic, shop + "/booking-completed", null, "{\"enabled\": true}".getBytes(StandardCharsets.UTF_8));
        kafka.send(topic, shop + "/booking-confirmed", null, "not json".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, callback(InstallProfile.CLIENT_SECRET, shop, "booking-completed", true, now));
        await().atMost(Duration.ofSeconds(10)).until(() -> flowUse.uses(shop, "booking-completed"));
        assertEquals(java.util.Set.of("booking-completed"), triggers(shop).keySet());
    }
}
