package io.customerflow.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.customerflow.events.EventJson;
import io.customerflow.infra.FreePorts;
import io.customerflow.infra.LocalCredentials;
import io.customerflow.infra.LocalDemo;
import io.customerflow.infra.LocalStack;
import io.customerflow.infra.SaasStandIn;

/**
 * The README's "connect your shop", done as a merchant does it: some settings exported (as before
 * {@code ./customer-flow up}), some in {@code .customer-flow/connect.properties}, on top of the files the launcher
 * generates. A second loopback server plays the merchant's real Shopify and Klaviyo. Proves through behaviour that
 * exported scalars and map entries beat both files, that the connect file beats the generated one, that every
 * request goes to the configured targets and none to the demo stand-in, and that no token or key is logged.
 */
class ConnectYourShopTest {

    static final String SHOP = "real-salon.myshopify.com";
    static final String ANNEX = "real-annex.myshopify.com";
    static final String APP_SECRET = "my-app-client-secret-4711";
    static final String SHOP_TOKEN = "shpat_connect_shop_token_4711";
    static final String ANNEX_TOKEN = "shpat_connect_annex_token_4711";
    static final String KLAVIYO_KEY = "pk_connect_account_key_4711";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static SaasStandIn merchant;
    static SaasStandIn demoStandIn;
    static LocalStack stack;
    static LocalDemo.Ports ports;
    static Path data;

    @BeforeAll
    static void connectAndStart() throws Exception {
        merchant = new SaasStandIn(FreePorts.find()).start();
        data = Files.createTempDirectory("customer-flow-connect-");
        // The connect file: Klaviyo and a second shop; its API-client line loses to the exported one below.
        Files.writeString(data.resolve("connect.properties"), String.join("\n",
                "klaviyo.base-url=" + merchant.baseUrl() + "/klaviyo",
                "klaviyo.accounts.mine.api-key=" + KLAVIYO_KEY,
                "klaviyo.accounts.mine.shops=" + SHOP + "," + ANNEX,
                "tagging.shops.annex.domain=" + ANNEX,
                "tagging.shops.annex.access-token=" + ANNEX_TOKEN,
                "ingest.api-clients.demo.shops=" + LocalDemo.SHOPS[0], ""));
        ports = LocalDemo.Ports.free();
        stack = LocalStack.in(Path.of("..").toAbsolutePath().normalize(), data).withEnvironment(Map.of(
                "TAGGING_SHOPIFY_URL_TEMPLATE", merchant.baseUrl() + "/shopify/{shop}/admin/api/{version}/graphql.json",
                "TAGGING_SHOPS_SHOP0_DOMAIN", SHOP,
                "TAGGING_SHOPS_SHOP0_ACCESS_TOKEN", SHOP_TOKEN,
                "INGEST_SHOPIFY_WEBHOOK_SECRETS", APP_SECRET,
                "INGEST_API_CLIENTS_DEMO_SHOPS", SHOP + "," + ANNEX));
        demoStandIn = stack.start(ports);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (merchant != null) {
            merchant.close();
        }
    }

    @Test
    void exportedAndConnectFileSettingsWinAndEveryRequestGoesToTheMerchantsTargets() throws Exception {
        // A scalar exported over the generated file: the app's secret verifies, the generated demo secret no longer.
        assertEquals(200, webhook(SHOP, order(91_001, 81_001, "ada@real.example"), "wh-connect-1", APP_SECRET));
        assertEquals(401, webhook(SHOP, order(91_002, 81_002, "bob@real.example"), "wh-connect-2",
                LocalDemo.WEBHOOK_SECRET));
        assertEquals(200, webhook(ANNEX, order(91_003, 81_003, "cy@real.example"), "wh-connect-3", APP_SECRET));
        // A map entry exported over the generated file and the connect file: the demo key books for the merchant's
        // shops, and no longer for the demo shop both files give it.
        assertEquals(202, instant(SHOP, "dee@real.example"));
        assertEquals(403, instant(LocalDemo.SHOPS[0], "eve@real.example"));

        EndToEndTest.awaitTrue(Duration.ofSeconds(90), () -> tagsAdd().size() == 2 && klaviyoEvents().size() == 3
                && storeTotal(SHOP) == 2 && storeTotal(ANNEX) == 1);
        // ... and stays so: a stray request would show up within two seconds.
        org.awaitility.Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> tagsAdd().size() == 2 && klaviyoEvents().size() == 3);

        List<LoggedRequest> tags = tagsAdd();
        assertEquals(2, tags.size());
        assertEquals(SHOP_TOKEN, header(tags, SHOP, "X-Shopify-Access-Token"), "exported shop and token");
        assertEquals(ANNEX_TOKEN, header(tags, ANNEX, "X-Shopify-Access-Token"), "connect-file shop and token");
        assertEquals(3, klaviyoEvents().size());
        klaviyoEvents().forEach(r -> assertEquals("Klaviyo-API-Key " + KLAVIYO_KEY, r.getHeader("Authorization")));
        assertEquals(0, demoStandIn.server().findAll(anyRequestedFor(anyUrl())).size(),
                "nothing may go to the demo stand-in");
        assertEquals(0, storeTotal(LocalDemo.SHOPS[0]));

        LocalCredentials own = LocalCredentials.of(data);
        LogScan.assertNoPersonalDataOrSecrets(data.resolve("logs"),
                List.of(APP_SECRET, SHOP_TOKEN, ANNEX_TOKEN, KLAVIYO_KEY, own.apiKey(), own.storeToken(), own.operatorKey()));
        // What the launcher printed came from the services' own connections lines: the targets, never a token.
        List<String> tagging = stack.service("tagging-service").newLogLines();
        assertTrue(tagging.stream().anyMatch(l -> l.contains("connections: Shopify Admin " + merchant.baseUrl())
                && l.contains("annex=" + ANNEX) && l.contains("shop0=" + SHOP)), String.join("\n", tagging));
    }

    @Test
    void onceARealShopIsConnectedNoDemoCredentialWorksAndTheRunsOwnAreKeptPrivate() throws Exception {
        LocalCredentials own = LocalCredentials.of(data);
        assertFalse(own.demo(), "the run's own credentials, not the demo's");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve(LocalCredentials.FILE))));
        // The demo's public key, store token and operator key: refused everywhere (the README prints them).
        assertEquals(401, instant(SHOP, "mallory@real.example", LocalDemo.API_KEY));
        assertEquals(401, get("customer-store-service", "/v1/customers?shop=" + SHOP, LocalDemo.STORE_TOKEN));
        assertEquals(401, get("ingest-service", "/v1/shops", LocalDemo.OPERATOR_KEY));
        assertEquals(200, get("customer-store-service", "/v1/customers?shop=" + SHOP, own.storeToken()));
        assertEquals(200, get("ingest-service", "/v1/shops", own.operatorKey()));
        // The demo's webhook secret is no longer among ingest's (the exported app secret is the only one).
        assertEquals(401, webhook(LocalDemo.SHOPS[0], order(91_010, 81_010, "zed@real.example"), "wh-connect-10",
                LocalDemo.WEBHOOK_SECRET));
    }

    static int get(String service, String path, String bearer) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(service(service, path)).header("Authorization", "Bearer " + bearer)
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static List<LoggedRequest> tagsAdd() {
        return merchant.server().findAll(postRequestedFor(urlPathMatching("/shopify/.*"))).stream()
                .filter(r -> r.getBodyAsString().contains("tagsAdd")).toList();
    }

    static List<LoggedRequest> klaviyoEvents() {
        return merchant.server().findAll(postRequestedFor(urlPathMatching("/klaviyo/api/(events|event-bulk-create-jobs)")));
    }

    static String header(List<LoggedRequest> requests, String shop, String name) {
        return requests.stream().filter(r -> r.getUrl().startsWith("/shopify/" + shop + "/")).findFirst()
                .map(r -> r.getHeader(name)).orElse("no request for " + shop);
    }

    static byte[] order(long orderId, long customerId, String email) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put("id", orderId).put("name", "#" + orderId).put("email", email).put("currency", "USD")
                .put("created_at", "2026-11-20T10:00:00-05:00");
        o.putObject("customer").put("id", customerId).put("email", email).put("first_name", "Ada").put("last_name", "Real");
        ObjectNode item = o.putArray("line_items").addObject();
        item.put("id", orderId * 10).put("product_id", 801).put("quantity", 1).put("price", "65.00").put("title", "Haircut");
        item.putArray("properties").addObject().put("name", "_reservation_token").put("value", "rsv-" + orderId);
        return EventJson.toBytes(o);
    }

    static int webhook(String shop, byte[] body, String webhookId, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HTTP.send(HttpRequest.newBuilder(service("ingest-service", "/webhooks/shopify"))
                .header("Content-Type", "application/json")
                .header("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
                .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", shop)
                .header("X-Shopify-Webhook-Id", webhookId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    static int instant(String shop, String email) throws Exception {
        return instant(shop, email, LocalCredentials.of(data).apiKey());
    }

    static int instant(String shop, String email, String apiKey) throws Exception {
        ObjectNode b = EventJson.mapper().createObjectNode();
        b.put("shop", shop);
        b.putObject("customer").put("firstName", "Dee").put("lastName", "Real").put("email", email);
        b.putObject("service").put("id", "svc-60").put("title", "Massage");
        b.put("start", "2026-12-05T14:00:00+08:00").put("durationMinutes", 60).put("timezone", "Asia/Shanghai");
        return HTTP.send(HttpRequest.newBuilder(service("ingest-service", "/v1/instant-bookings"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.toBytes(b))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static int storeTotal(String shop) {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(service("customer-store-service", "/v1/customers?shop=" + shop))
                    .header("Authorization", "Bearer " + LocalCredentials.of(data).storeToken()).build(),
                    HttpResponse.BodyHandlers.ofString());
            return EventJson.mapper().readTree(response.body()).path("total").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    static URI service(String name, String path) {
        return URI.create("http://127.0.0.1:" + ports.service(name) + path);
    }
}
