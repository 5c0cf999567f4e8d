package io.customerflow.store;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.customerflow.events.CustomerDataRequested;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventType;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/** The console's doors over plain HTTP: redirects, cookies, CSRF, languages, headers, shop scoping. */
@QuarkusTest
class ConsoleSecurityTest extends StoreTestBase {

    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Test
    void everyConsolePageButTheSignInNeedsASession() {
        for (String path : List.of("/console", "/console/customers", "/console/customers/1?shop=a.myshopify.com",
                "/console/customers.csv?shop=a.myshopify.com", "/console/bookings", "/console/health",
                "/console/privacy", "/console/privacy/exports/1?shop=a.myshopify.com", "/console/flow",
                "/console/flow?shop=a.myshopify.com", "/console/shops", "/console/shops/a.myshopify.com",
                "/console/audit")) {
            RestAssured.given().redirects().follow(false).get(path).then().statusCode(303)
                    .header("Location", containsString("/console/sign-in"));
        }
        // A forged or stale cookie is no session either.
        RestAssured.given().redirects().follow(false).cookie("cf_session", "b3BzfDk5OTk5OTk5OTk5fHg.AAAA")
                .get("/console/customers").then().statusCode(303);
        RestAssured.get("/console/sign-in").then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieAndNeedsTheFormsCsrfToken() {
        Response form = RestAssured.get("/console/sign-in");
        String nonce = form.getCookie("cf_sign_in");
        String csrf = csrf(form.asString());
        assertTrue(form.getHeader("Set-Cookie").contains("HttpOnly") && form.getHeader("Set-Cookie")
                .contains("SameSite=Strict"), form.getHeader("Set-Cookie"));

        // Without the form's token (a cross-site post), or with a wrong token: the form again, one message.
        RestAssured.given().formParam("token", TOKEN).post("/console/sign-in").then().statusCode(401)
                .body(containsString("Sign-in failed")).header("Set-Cookie", not(containsString("cf_session=")));
        RestAssured.given().cookie("cf_sign_in", nonce).formParam("token", "wrong").formParam("csrf", csrf)
                .post("/console/sign-in").then().statusCode(401).body(containsString("Sign-in failed"))
                .body(not(containsString("wrong")));

        Response signedIn = RestAssured.given().redirects().follow(false).cookie("cf_sign_in", nonce)
                .formParam("token", TOKEN).formParam("csrf", csrf).post("/console/sign-in");
        assertEquals(303, signedIn.statusCode());
        String session = signedIn.getHeaders().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("cf_session=")).findFirst().orElseThrow();
        assertTrue(session.contains("HttpOnly") && session.contains("SameSite=Strict")
                && session.contains("Path=/console"), session);
        assertFalse(session.contains(TOKEN), "the cookie names the client, never the token");
        String value = signedIn.getCookie("cf_session");

        Response page = RestAssured.given().cookie("cf_session", value).get("/console/privacy?shop=redact-console.myshopify.com");
        assertEquals(200, page.statusCode());
        // Sign-out is a state change: without the session's CSRF token it is refused.
        RestAssured.given().cookie("cf_session", value).post("/console/sign-out").then().statusCode(403);
        RestAssured.given().redirects().follow(false).cookie("cf_session", value).formParam("csrf", csrf(page.asString()))
                .post("/console/sign-out").then().statusCode(303)
                .header("Set-Cookie", containsString("cf_session=; Path=/console; Max-Age=0"));
        // A copy of the cookie kept after sign-out is no session: sign-out revoked it server-side.
        RestAssured.given().redirects().follow(false).cookie("cf_session", value).get("/console/customers").then()
                .statusCode(303).header("Location", containsString("/console/sign-in"));
        // Another session of the same client is not affected.
        RestAssured.given().redirects().follow(false).cookie("cf_session", signIn(TOKEN)).get("/console/customers")
                .then().statusCode(200);
    }

    @Test
    void theLanguageFollowsAcceptLanguageAndTheSwitcher() {
        RestAssured.given().header("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5").get("/console/sign-in").then()
                .body(containsString("<html lang=\"zh-CN\">")).body(containsString("店铺 API 令牌"));
        RestAssured.given().header("Accept-Language", "ja-JP").get("/console/sign-in").then()
                .body(containsString("ストア API トークン"));
        RestAssured.given().header("Accept-Language", "fr-FR, de").get("/console/sign-in").then()
                .body(containsString("Store API token"));
        Response switched = RestAssured.given().header("Accept-Language", "ja").get("/console/sign-in?lang=zh-CN");
        assertTrue(switched.asString().contains("店铺 API 令牌"));
        assertTrue(switched.getHeaders().getValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("cf_lang=zh-CN")));
        RestAssured.given().cookie("cf_lang", "zh-CN").header("Accept-Language", "ja").get("/console/sign-in").then()
                .body(containsString("店铺 API 令牌"));
    }

    @Test
    void aTokenOfOneShopReadsOnlyThatShopInTheConsoleAndPrivacyListsShopAndTimeOnly() {
        String shop = "redact-console.myshopify.com";
        var jo = booking(shop, "ib_console_jo", io.customerflow.events.BookingChannel.INSTANT, "jo@example.com", "Jo",
                "Ng", null, null, java.time.OffsetDateTime.parse("2026-11-20T10:00:00Z"));
        confirm(jo);
        awaitCustomers(shop, p -> total(p) == 1);
        send(EventType.CUSTOMER_DATA_REQUESTED, "console-data-request-1", shop + "/jo@example.com",
                new CustomerDataRequested(shop, null, "jo@example.com", List.of(), 4242L,
                        java.time.OffsetDateTime.parse("2026-11-20T12:00:00Z")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> api()
                .get("/v1/data-requests?shop=" + shop).then().statusCode(200).extract().jsonPath().getList("$").size() == 1);
        String ops = signIn(TOKEN);
        String privacy = RestAssured.given().cookie("cf_session", ops).get("/console/privacy?shop=" + shop).asString();
        Matcher export = Pattern.compile("href=\"(/console/privacy/exports/[0-9]+\\?shop=[^\"]+)\"").matcher(privacy);
        assertTrue(export.find(), "the data request's export is listed: " + privacy);
        Response download = RestAssured.given().cookie("cf_session", ops).get(export.group(1).replace("&amp;", "&"));
        assertEquals(200, download.statusCode());
        assertTrue(download.getHeader("Content-Disposition").startsWith("attachment;"));
        assertEquals(4242L, download.jsonPath().getLong("dataRequestId"));
        assertTrue(download.asString().contains("jo@example.com"), "what was held, for the merchant to send on");

        send(EventType.CUSTOMER_REDACT_REQUESTED, "console-redact-1", shop + "/jo@example.com",
                new CustomerRedactRequested(shop, null, "jo@example.com", List.of(),
                        java.time.OffsetDateTime.parse("2026-11-21T10:00:00Z")));
        awaitCustomers(shop, p -> total(p) == 0);
        privacy = RestAssured.given().cookie("cf_session", ops).get("/console/privacy?shop=" + shop).asString();
        assertTrue(privacy.contains("<td>CUSTOMER</td><td><time datetime=\"2026-11-21T10:00:00Z\">2026-11-21T10:00:00Z</time></td>"),
                privacy);
        assertFalse(privacy.contains("jo@example.com"), "a redaction lists shop, kind and time only");
        assertFalse(privacy.contains("/console/privacy/exports/"), "the redaction erased the customer's export too");

        String tokyo = signIn("tokyo-store-token");
        for (String path : List.of("/console/customers?shop=" + shop, "/console/customers.csv?shop=" + shop,
                "/console/bookings?shop=" + shop, "/console/privacy?shop=" + shop, "/console/health?shop=" + shop,
                "/console/privacy/exports/1?shop=" + shop, "/console/flow?shop=" + shop,
                "/console/flow?shop=not%20a%20shop", "/console/flow?shop=%3Cscript%3E.myshopify.com")) {
            RestAssured.given().cookie("cf_session", tokyo).get(path).then().statusCode(403)
                    .body(not(containsString("<script>")));
        }
        RestAssured.given().cookie("cf_session", tokyo).get("/console/customers?shop=tokyo-spa.myshopify.com").then()
                .statusCode(200).body(containsString("tokyo-spa.myshopify.com"))
                .body(not(containsString(shop)));
    }

    /**
     * The Shops pages' actions are state changes: each needs the session's CSRF token, and a token of one shop can
     * neither see nor act on another shop (403, as a console page), nor find it in the list or the audit.
     */
    @Test
    void shopActionsNeedTheFormsCsrfTokenAndTheShopsToken() {
        String shop = "guarded-shop.myshopify.com";
        kafka.send("test.store.shops.v1", shop, null, ("{\"shop\": \"" + shop + "\", \"status\": \"installed\","
                + " \"version\": 1, \"updatedAt\": \"2026-12-01T00:00:00Z\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String ops = signIn(TOKEN);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> RestAssured.given()
                .cookie("cf_session", ops).get("/console/shops/" + shop).statusCode() == 200);
        String page = RestAssured.given().cookie("cf_session", ops).get("/console/shops/" + shop).asString();
        try (var commands = kafka.tail("test.store.shops.commands.v1")) {
            for (String action : List.of("backfill", "check-subscriptions")) {
                RestAssured.given().cookie("cf_session", ops).formParam("since", "2026-11-01")
                        .post("/console/shops/" + shop + "/" + action).then().statusCode(403)
                        .contentType(containsString("text/html"));
                RestAssured.given().cookie("cf_session", ops).formParam("since", "2026-11-01")
                        .formParam("csrf", "forged").post("/console/shops/" + shop + "/" + action).then()
                        .statusCode(403);
            }
            // A malformed or future date is the form's error, not a command.
            RestAssured.given().cookie("cf_session", ops).formParam("csrf", csrf(page)).formParam("since", "2999-01-01")
                    .post("/console/shops/" + shop + "/backfill").then().statusCode(400)
                    .body(containsString("id=\"error\""));
            RestAssured.given().cookie("cf_session", ops).formParam("csrf", csrf(page)).formParam("since", "2026-11-01")
                    .formParam("until", "2026-10-01").post("/console/shops/" + shop + "/backfill").then().statusCode(400);
            String tokyo = signIn("tokyo-store-token");
            String tokyoPage = RestAssured.given().cookie("cf_session", tokyo).get("/console/shops").asString();
            assertFalse(tokyoPage.contains(shop), "another shop is not listed");
            RestAssured.given().cookie("cf_session", tokyo).get("/console/shops/" + shop).then().statusCode(403);
            RestAssured.given().cookie("cf_session", tokyo).formParam("csrf", csrf(tokyoPage))
                    .formParam("since", "2026-11-01").post("/console/shops/" + shop + "/backfill").then()
                    .statusCode(403);
            RestAssured.given().cookie("cf_session", ops).get("/console/shops/unknown-shop.myshopify.com").then()
                    .statusCode(404).contentType(containsString("text/html"));
            // A hostile shop in the path: refused as a console page, never echoed, never a command.
            RestAssured.given().cookie("cf_session", ops).get("/console/shops/%3Cscript%3E.myshopify.com").then()
                    .statusCode(403).body(not(containsString("<script>")));
            RestAssured.given().cookie("cf_session", ops).formParam("csrf", csrf(page)).formParam("since", "2026-11-01")
                    .post("/console/shops/%3Cscript%3E.myshopify.com/backfill").then()
                    .statusCode(org.hamcrest.Matchers.oneOf(403, 404)).body(not(containsString("<script>")));
            // A token that reads its shop but was not given console actions: no buttons, and a post is refused.
            String tokyoShop = "tokyo-spa.myshopify.com";
            kafka.send("test.store.shops.v1", tokyoShop, null, ("{\"shop\": \"" + tokyoShop + "\", \"status\":"
                    + " \"installed\", \"version\": 1, \"updatedAt\": \"2026-12-01T00:00:00Z\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> RestAssured.given()
                    .cookie("cf_session", tokyo).get("/console/shops/" + tokyoShop).statusCode() == 200);
            String own = RestAssured.given().cookie("cf_session", tokyo).get("/console/shops/" + tokyoShop).asString();
            assertTrue(own.contains("id=\"no-actions\"") && !own.contains("id=\"backfill-form\""), own);
            for (String action : List.of("backfill", "check-subscriptions")) {
                RestAssured.given().cookie("cf_session", tokyo).formParam("csrf", csrf(own))
                        .formParam("since", "2026-11-01").post("/console/shops/" + tokyoShop + "/" + action).then()
                        .statusCode(403);
            }
            assertTrue(commands.drain(java.time.Duration.ofSeconds(2)).isEmpty(), "no command was written");

            // One day, both ends included: from its midnight to the next (UTC).
            RestAssured.given().redirects().follow(false).cookie("cf_session", ops).formParam("csrf", csrf(page))
                    .formParam("since", "2026-11-01").formParam("until", "2026-11-01")
                    .post("/console/shops/" + shop + "/backfill").then().statusCode(303);
            var command = io.customerflow.events.ShopCommand.read(commands.await(1, java.time.Duration.ofSeconds(20))
                    .get(0).value());
            assertEquals("2026-11-01T00:00Z", command.since().toString());
            assertEquals("2026-11-02T00:00Z", command.until().toString());
        }
    }

    /**
     * Guessing tokens: past store.api.failures-per-window failures from one address (30 in 5 s in the tests), the
     * console's sign-in and the query API answer 429 with Retry-After, even to the right token, while another
     * address is not held up; after the window the right token works again.
     */
    @Test
    void failedAuthenticationsFromOneAddressAreRateLimited() {
        String guesser = "203.0.113.7"; // an address of its own (the tests trust X-Forwarded-For)
        var statuses = new java.util.ArrayList<Integer>();
        for (int i = 0; i < 31; i++) {
            statuses.add(RestAssured.given().header("X-Forwarded-For", guesser).auth().oauth2("guess-" + i)
                    .get("/v1/customers?shop=a.myshopify.com").statusCode());
        }
        assertEquals(java.util.Collections.nCopies(30, 401), statuses.subList(0, 30));
        assertEquals(429, statuses.get(30));
        RestAssured.given().header("X-Forwarded-For", guesser).auth().oauth2(TOKEN)
                .get("/v1/customers?shop=a.myshopify.com").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"))
                .contentType("application/problem+json");
        Response form = RestAssured.get("/console/sign-in");
        RestAssured.given().header("X-Forwarded-For", guesser).cookie("cf_sign_in", form.getCookie("cf_sign_in"))
                .formParam("token", TOKEN).formParam("csrf", csrf(form.asString())).post("/console/sign-in").then()
                .statusCode(429);
        RestAssured.given().auth().oauth2(TOKEN).get("/v1/customers?shop=a.myshopify.com").then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> RestAssured.given()
                .header("X-Forwarded-For", guesser).auth().oauth2(TOKEN).get("/v1/customers?shop=a.myshopify.com")
                .statusCode() == 200);
    }

    /**
     * Quarkus Security selects one mechanism per path: a console session never opens the API, an API token never a
     * console page, and a path nothing opens (a resource added and forgotten) is closed to both.
     */
    @Test
    void eachCredentialOpensOnlyItsOwnPaths() {
        String session = signIn(TOKEN);
        RestAssured.given().cookie("cf_session", session).get("/v1/customers?shop=a.myshopify.com").then()
                .statusCode(401).header("WWW-Authenticate", "Bearer").contentType("application/problem+json");
        RestAssured.given().redirects().follow(false).auth().oauth2(TOKEN).get("/console/customers").then()
                .statusCode(303).header("Location", containsString("/console/sign-in"));
        RestAssured.given().redirects().follow(false).cookie("cf_session", session).get("/console/customers").then()
                .statusCode(200);
        RestAssured.given().get(UnopenedResource.PATH).then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .contentType("application/problem+json");
        RestAssured.given().auth().oauth2(TOKEN).get(UnopenedResource.PATH).then().statusCode(403)
                .body(not(containsString("never be served")));
        // Off the console's paths its cookie is no credential at all.
        RestAssured.given().cookie("cf_session", session).get(UnopenedResource.PATH).then().statusCode(401)
                .body(not(containsString("never be served")));
    }

    private static String signIn(String token) {
        Response form = RestAssured.get("/console/sign-in");
        Response signedIn = RestAssured.given().redirects().follow(false).cookie("cf_sign_in", form.getCookie("cf_sign_in"))
                .formParam("token", token).formParam("csrf", csrf(form.asString())).post("/console/sign-in");
        assertEquals(303, signedIn.statusCode());
        return signedIn.getCookie("cf_session");
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertTrue(m.find(), html);
        return m.group(1);
    }
}
