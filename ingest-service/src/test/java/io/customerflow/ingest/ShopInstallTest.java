package io.customerflow.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.customerflow.infra.KafkaTestClient;
import io.customerflow.infra.ShopifyAdminStandIn;
import io.customerflow.infra.ShopifyOAuthStandIn;
import io.customerflow.infra.TestInfrastructure;
import io.customerflow.ingest.service.HmacVerifier;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.ShopRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Shops install themselves: OAuth install followed as a browser would (the stand-in plays Shopify's authorize page
 * and token endpoint), forged callbacks refused with nothing written, tokens of 20 s refreshed ahead of expiry while
 * passes read orders with them, the hand-over API, a refused refresh, and an uninstall that erases the credentials.
 */
@QuarkusTest
@TestProfile(InstallProfile.class)
class ShopInstallTest extends IngestTestBase {

    private static final String OPERATOR = "Bearer " + InstallProfile.OPERATOR_KEY;

    @jakarta.inject.Inject
    RegisteredShops registry;

    @Test
    void aShopInstalledThroughOAuthIsReconciledWithTokensRefreshedAheadOfExpiry() {
        String shop = "oauth-salon.myshopify.com";
        ShopifyOAuthStandIn oauth = InstallProfile.shopify.oauth();
        try (KafkaTestClient.Tail registry = new KafkaTestClient(TestInfrastructure.kafka()).tail("test.install.shops.v1")) {
            install(shop).statusCode(200).body(containsString("customer-flow is installed on " + shop));
            given().header("Authorization", OPERATOR).get("/v1/shops/" + shop).then().statusCode(200)
                    .body("status", equalTo("installed")).body("credential", equalTo("expiring"))
                    .body("clientId", equalTo(InstallProfile.CLIENT_ID)).body("installedAt", org.hamcrest.Matchers.notNullValue());
            long refusedBefore = oauth.refusedGrants();
            long expiredBefore = oauth.expiredUses();

            // An order Shopify has and no webhook brought: the next pass, with the installed token, finds it.
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
            InstallProfile.shopify.addOrders(shop, List.of(ShopifyAdminStandIn.order(6_200_001, 91,
                    "oauth-booker@example.com", now.minusHours(1), now.minusSeconds(30), null)));
            tail.await(1, r -> ("/shopify/" + shop + "/reconcile").equals(header(r, "ce_source")),
                    Duration.ofSeconds(30));

            // Tokens of 20 s over 45 s: at least two refreshes, no Admin call with an expired token, none refused.
            long refreshesBefore = oauth.grants("refresh_token");
            await().atMost(Duration.ofSeconds(60)).until(() -> oauth.grants("refresh_token") >= refreshesBefore + 2
                    && InstallProfile.shopify.calls(shop, "orders").size() >= 5);
            assertEquals(expiredBefore, oauth.expiredUses(), "Admin calls with an expired token");
            assertEquals(refusedBefore, oauth.refusedGrants(), "refused grants");

            // Every registry record seals its secrets: no Shopify token in plaintext on the topic.
            List<ConsumerRecord<String, byte[]>> records = registry.drain(Duration.ofSeconds(1));
            assertTrue(records.size() >= 3, "install and refreshes written");
            records.forEach(r -> assertFalse(text(r.value()).matches("(?s).*shp(at|rt)_.*"), text(r.value())));
        }
    }

    @Test
    void forgedOrReplayedCallbacksAreRefusedAndWriteNothing() {
        String shop = "forged-salon.myshopify.com";
        Response started = given().redirects().follow(false).get("/shopify/install?shop=" + shop);
        assertEquals(303, started.statusCode());
        String cookie = started.getCookie("cf_install");
        Map<String, String> callback = authorize(started.header("Location"));

        Map<String, String> wrongHmac = new LinkedHashMap<>(callback);
        wrongHmac.put("hmac", "0".repeat(64));
        callback(wrongHmac, cookie).statusCode(401).body("detail", containsString("hmac"));
        callback(callback, null).statusCode(400).body("detail", containsString("state cookie"));
        callback(signed(callback, Map.of("timestamp", Long.toString(Instant.now().minusSeconds(3600).getEpochSecond()))),
                cookie).statusCode(400).body("detail", containsString("stale"));
        callback(signed(callback, Map.of("shop", "evil.example.com")), cookie).statusCode(400)
                .body("detail", containsString("myshopify.com"));
        callback(signed(callback, Map.of("state", "f".repeat(32))), cookie).statusCode(400)
                .body("detail", containsString("state"));
        given().header("Authorization", OPERATOR).get("/v1/shops/" + shop).then().statusCode(404);

        callback(callback, cookie).statusCode(200);
        callback(callback, cookie).statusCode(400).body("detail", containsString("already used"));
        given().get("/shopify/install?shop=not-a-shop.example.com").then().statusCode(400);

        // The merchant approved less than the app asks for: nothing installed, and the page says what is missing.
        String partial = "partial-salon.myshopify.com";
        InstallProfile.shopify.oauth().declines(partial, "read_products");
        install(partial).statusCode(400).body("detail", containsString("read_products"));
        given().header("Authorization", OPERATOR).get("/v1/shops/" + partial).then().statusCode(404);
    }

    @Test
    void anEndpointNoPermissionOpensIsClosedToEveryKey() {
        // UnopenedResource (test sources) is deployed like any new resource someone forgets to open.
        given().get(UnopenedResource.PATH).then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer not-a-key").get(UnopenedResource.PATH).then().statusCode(401);
        given().header("Authorization", "Bearer " + API_KEY).get(UnopenedResource.PATH).then().statusCode(403)
                .contentType("application/problem+json");
        given().header("Authorization", OPERATOR).get(UnopenedResource.PATH).then().statusCode(403);
        // Its neighbours under the same prefix stay what their permissions say.
        given().header("Authorization", OPERATOR).get("/v1/shops/" + InstallProfile.LEGACY).then().statusCode(
                org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(404)));
        given().header("Authorization", OPERATOR).contentType("application/json").body("{}")
                .post("/v1/instant-bookings").then().statusCode(403);
    }

    @Test
    void aBookingAppHandsShopsOverWithItsOperatorKeyOnly() {
        ShopifyOAuthStandIn oauth = InstallProfile.shopify.oauth();
        String shop = InstallProfile.LEGACY;
        String body = """
                {"credential": {"kind": "non-expiring", "accessToken": "%s"},
                 "scopes": ["read_orders","write_orders","read_customers","write_customers","read_products"],
                 "klaviyoKey": "pk_handed_over_key", "settings": {"reconcile": false, "tagNames": {"booked-appointment": "予約済み"}}}
                """.formatted(InstallProfile.LEGACY_TOKEN);
        // A booking app's API key is known, but opens only the booking endpoints.
        given().header("Authorization", "Bearer " + API_KEY).contentType("application/json").body(body)
                .put("/v1/shops/" + shop).then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", "Bearer not-a-key").contentType("application/json").body(body)
                .put("/v1/shops/" + shop).then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(body.replace("\"scopes\"", "\"colour\": 1, \"scopes\"")).put("/v1/shops/" + shop).then()
                .statusCode(400).body("detail", containsString("colour"));
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(body.replace("\"read_products\"", "\"read_themes\"")).put("/v1/shops/" + shop).then()
                .statusCode(400).body("errors[0].message", containsString("lacks read_products"));
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(body.replace(InstallProfile.LEGACY_TOKEN, "short")).put("/v1/shops/" + shop).then()
                .statusCode(400).body("detail", containsString("credential.accessToken"));

        long exchanges = oauth.grants("token_exchange");
        String listed = given().header("Authorization", OPERATOR).contentType("application/json").body(body)
                .put("/v1/shops/" + shop).then().statusCode(200).body("credential", equalTo("expiring"))
                .body("klaviyoKey", equalTo(true)).extract().asString();
        assertEquals(exchanges + 1, oauth.grants("token_exchange"), "the non-expiring token was migrated at once");
        String all = given().header("Authorization", OPERATOR).get("/v1/shops").then().statusCode(200)
                .extract().asString();
        for (String answer : List.of(listed, all)) {
            assertFalse(answer.contains("shpat_") || answer.contains("pk_handed_over_key"), answer);
        }

        given().header("Authorization", OPERATOR).delete("/v1/shops/" + shop).then().statusCode(200);
        given().header("Authorization", OPERATOR).get("/v1/shops/" + shop).then().statusCode(200)
                .body("status", equalTo("uninstalled")).body("credential", nullValue())
                .body("klaviyoKey", equalTo(false));
    }

    @Test
    void aRefusedRefreshNeedsReauthAndAnUninstallErasesTheCredentials() {
        String refused = "revoked-salon.myshopify.com";
        String leaving = "leaving-salon.myshopify.com";
        install(refused).statusCode(200);
        install(leaving).statusCode(200);

        InstallProfile.shopify.oauth().revokeAll(refused); // Shopify no longer honours its refresh token
        await().atMost(Duration.ofSeconds(40)).until(() -> "needs-reauth".equals(given().header("Authorization", OPERATOR)
                .get("/v1/shops/" + refused).then().extract().path("status")));
        assertTrue(metric("shop_tokens_refreshed_total", "outcome=\"refused\"") >= 1);

        byte[] uninstalled = ("{\"id\": 1, \"myshopify_domain\": \"" + leaving + "\"}").getBytes(StandardCharsets.UTF_8);
        webhook(uninstalled, headers("X-Shopify-Topic", "app/uninstalled", "X-Shopify-Shop-Domain", leaving,
                "X-Shopify-Triggered-At", OffsetDateTime.now(ZoneOffset.UTC).toString(),
                "X-Shopify-Hmac-Sha256", appSigned(uninstalled))).statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "uninstalled".equals(given().header("Authorization", OPERATOR)
                .get("/v1/shops/" + leaving).then().extract().path("status")));
        given().header("Authorization", OPERATOR).get("/v1/shops/" + leaving).then().body("credential", nullValue());
        // A page already in flight may still land; from then on, no call for more than two pass intervals.
        java.util.concurrent.atomic.AtomicInteger last = new java.util.concurrent.atomic.AtomicInteger(-1);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).until(() -> {
            int now = InstallProfile.shopify.calls(leaving, "orders").size();
            return last.getAndSet(now) == now;
        });
    }

    @Test
    void aLateRetryOfAnUninstallFromBeforeTheLastInstallLeavesTheShopInstalled() {
        String shop = "came-back-salon.myshopify.com";
        OffsetDateTime beforeInstall = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(30).withNano(0);
        install(shop).statusCode(200);
        byte[] body = ("{\"id\": 7, \"myshopify_domain\": \"" + shop + "\"}").getBytes(StandardCharsets.UTF_8);
        // Shopify still retrying the app/uninstalled of half an hour ago, before the merchant installed again.
        webhook(body, headers("X-Shopify-Topic", "app/uninstalled", "X-Shopify-Shop-Domain", shop,
                "X-Shopify-Triggered-At", beforeInstall.toString(), "X-Shopify-Webhook-Id", "late-uninstall-1",
                "X-Shopify-Hmac-Sha256", appSigned(body)))
                .statusCode(200);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> "installed".equals(
                given().header("Authorization", OPERATOR).get("/v1/shops/" + shop).then().extract().path("status")));
        // An uninstall of now removes it.
        webhook(body, headers("X-Shopify-Topic", "app/uninstalled", "X-Shopify-Shop-Domain", shop,
                "X-Shopify-Triggered-At", OffsetDateTime.now(ZoneOffset.UTC).toString(),
                "X-Shopify-Webhook-Id", "late-uninstall-2", "X-Shopify-Hmac-Sha256", appSigned(body))).statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "uninstalled".equals(given().header("Authorization", OPERATOR)
                .get("/v1/shops/" + shop).then().extract().path("status")));
    }

    @Test
    void aTokenShopifyRefusedIsRefreshedOnceOnRequestOfItsVersion() {
        String shop = "refused-token-salon.myshopify.com";
        ShopifyOAuthStandIn oauth = InstallProfile.shopify.oauth();
        ShopifyOAuthStandIn.Pair pair = oauth.grantDirectly(shop, InstallProfile.CLIENT_ID);
        // Handed over as valid for an hour: no refresh is due before a 401 asks for one.
        String body = """
                {"credential": {"kind": "expiring", "accessToken": "%s", "accessTokenExpiresAt": "%s",
                  "refreshToken": "%s", "refreshTokenExpiresAt": "%s"},
                 "scopes": ["read_orders","write_orders","read_customers","write_customers","read_products"]}
                """.formatted(pair.accessToken(), OffsetDateTime.now().plusHours(1), pair.refreshToken(),
                OffsetDateTime.now().plusDays(90));
        int version = given().header("Authorization", OPERATOR).contentType("application/json").body(body)
                .put("/v1/shops/" + shop).then().statusCode(200).extract().path("version");
        var kafka = new KafkaTestClient(TestInfrastructure.kafka());
        String topic = "test.ingest.shops.refresh-requests.v1";
        // Hostile records first: not a shop, not a version. Ignored, and the follower goes on.
        kafka.send(topic, "not a shop", null, "{\"version\": 1}".getBytes(StandardCharsets.UTF_8));
        kafka.send(topic, shop, null, "{\"version\": \"all\"}".getBytes(StandardCharsets.UTF_8));
        kafka.send(topic, shop, null, "{\"version\": %d}".formatted(version - 1).getBytes(StandardCharsets.UTF_8));
        kafka.send(topic, shop, null, "{\"version\": %d}".formatted(version).getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(15)).until(() -> oauth.refreshedAt(shop).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Integer) given().header("Authorization", OPERATOR)
                .get("/v1/shops/" + shop).then().extract().path("version")) == version + 1);
        // The same request again (a second service got the same 401): that version is gone, nothing more.
        kafka.send(topic, shop, null, "{\"version\": %d}".formatted(version).getBytes(StandardCharsets.UTF_8));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> oauth.refreshedAt(shop).size() == 1);
        assertTrue(metric("shop_tokens_refresh_requested_total", "") >= 2);
    }

    @Test
    void aWebhookIsVerifiedOnlyWithTheSecretOfTheAppThatInstalledItsShop() throws Exception {
        String own = "own-app-salon.myshopify.com";
        String other = "other-app-salon.myshopify.com";
        String seeded = "no-app-salon.myshopify.com";
        install(own).statusCode(200);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        // Shops the registry says another app, or no app, installed (uninstalled: no credential needed for this).
        registry.write(new ShopRecord(other, ShopRecord.Status.UNINSTALLED, "another-app", List.of(), null, null, null,
                now, 1)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        registry.write(new ShopRecord(seeded, ShopRecord.Status.UNINSTALLED, null, List.of(), null, null, null, now, 1))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.find(other).isPresent()
                && registry.find(seeded).isPresent());

        // The app's shop: a body signed with the other secrets (one leaked elsewhere) is refused and publishes nothing.
        byte[] order = bookingOrder(6_300_001);
        webhook(order, headers("X-Shopify-Shop-Domain", own)).statusCode(401);
        webhook(order, headers("X-Shopify-Shop-Domain", own, "X-Shopify-Hmac-Sha256",
                HmacVerifier.signature(ROTATED_SECRET, order))).statusCode(401);
        assertEquals(0, publishedFor(own), "nothing published for a body the shop's app did not sign");
        webhook(order, headers("X-Shopify-Shop-Domain", own, "X-Shopify-Hmac-Sha256", appSigned(order))).statusCode(200);
        assertTrue(publishedFor(own) > 0);
        // Another app's shop: neither this app's secret nor the others sign for it.
        webhook(order, headers("X-Shopify-Shop-Domain", other, "X-Shopify-Hmac-Sha256", appSigned(order)))
                .statusCode(401);
        webhook(order, headers("X-Shopify-Shop-Domain", other)).statusCode(401);
        // A shop of no app: the configured webhook secrets, not the app's.
        webhook(order, headers("X-Shopify-Shop-Domain", seeded, "X-Shopify-Hmac-Sha256", appSigned(order)))
                .statusCode(401);
        webhook(order, headers("X-Shopify-Shop-Domain", seeded)).statusCode(200);
        // A shop the registry does not know (yet): the app's secret (a delivery right after an install is not lost),
        // never the secrets of shops of no app.
        webhook(order, headers("X-Shopify-Shop-Domain", "unknown-salon.myshopify.com", "X-Shopify-Hmac-Sha256",
                appSigned(order))).statusCode(200);
        webhook(order, headers("X-Shopify-Shop-Domain", "unknown-salon.myshopify.com")).statusCode(401);
        assertEquals(0, publishedFor(other));
        assertTrue(publishedFor(seeded) > 0 && publishedFor("unknown-salon.myshopify.com") > 0);
    }

    private long publishedFor(String shop) {
        return published().stream().filter(r -> r.key() != null && r.key().startsWith(shop + "/")).count();
    }

    /** Shopify's signature of a webhook of a shop the test app installed: its client secret. */
    private static String appSigned(byte[] body) {
        return HmacVerifier.signature(InstallProfile.CLIENT_SECRET, body);
    }

    /** The whole install as a browser does it: ingest → Shopify's authorize page → back to ingest's callback. */
    static io.restassured.response.ValidatableResponse install(String shop) {
        Response started = given().redirects().follow(false).get("/shopify/install?shop=" + shop);
        assertEquals(303, started.statusCode());
        return callback(authorize(started.header("Location")), started.getCookie("cf_install"));
    }

    /** Follows ingest's redirect to the authorize page; answers the query Shopify sends the browser back with. */
    private static Map<String, String> authorize(String location) {
        Response approved = given().urlEncodingEnabled(false).redirects().follow(false).get(URI.create(location));
        assertEquals(302, approved.statusCode());
        URI back = URI.create(approved.header("Location"));
        assertEquals("/shopify/callback", back.getPath());
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : back.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return query;
    }

    private static io.restassured.response.ValidatableResponse callback(Map<String, String> query, String cookie) {
        var request = given().redirects().follow(false).queryParams(query);
        if (cookie != null) {
            request.cookie("cf_install", cookie);
        }
        return request.get("/shopify/callback").then();
    }

    /** The callback's query with some values changed and signed again with the app's secret (a forger who has it). */
    private static Map<String, String> signed(Map<String, String> query, Map<String, String> changes) {
        Map<String, String> changed = new LinkedHashMap<>(query);
        changed.putAll(changes);
        changed.put("hmac", ShopifyOAuthStandIn.hmac(InstallProfile.CLIENT_SECRET, ShopifyOAuthStandIn.signedString(changed)));
        return changed;
    }
}
