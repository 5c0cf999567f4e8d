package io.customerflow.ingest.rest;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.customerflow.events.ShopDomains;
import io.customerflow.ingest.service.InstallStates;
import io.customerflow.ingest.service.OAuthHmac;
import io.customerflow.ingest.service.ShopInstalls;
import io.customerflow.ingest.service.ShopifyApp;
import io.customerflow.problem.Problem;
import io.customerflow.shopify.ShopifyTokens;
import io.customerflow.shopify.TokenGrant;
import io.customerflow.shopify.TokenRefusedException;
import io.smallrye.common.annotation.Blocking;

/**
 * A merchant installs the app (authorization-code grant, non-embedded): {@code /shopify/install?shop=} sends the
 * browser to Shopify's authorize page with a state bound to it; Shopify sends it back to {@code /shopify/callback},
 * which checks the signature, the state, the shop and the timestamp before it trades the code for an expiring
 * offline token and writes the shop to the registry. Nothing is written for a callback that fails a check.
 */
@Path("/shopify")
@Blocking
public class ShopInstallResource {

    private final ShopifyApp app;
    private final InstallStates states;
    private final ShopInstalls installs;

    public ShopInstallResource(ShopifyApp app, InstallStates states, ShopInstalls installs) {
        this.app = app;
        this.states = states;
        this.installs = installs;
    }

    @GET
    @Path("install")
    @Operation(summary = "Start installing the app on a shop (redirects to Shopify)")
    public Response install(@QueryParam("shop") String shop) {
        if (!app.isPublic()) {
            return Problem.response(Response.Status.NOT_FOUND, "no public app is configured (ingest.app.client-id, "
                    + "ingest.app.kind=public)");
        }
        if (!ShopDomains.isValid(shop)) {
            return Problem.response(Response.Status.BAD_REQUEST, "shop " + ShopDomains.MESSAGE);
        }
        var settings = app.settings();
        InstallStates.Started state = states.start(shop, settings.installTimeout());
        String location = settings.authorizeUrlTemplate().replace("{shop}", shop)
                + "?client_id=" + enc(app.tokens().orElseThrow().clientId())
                + "&scope=" + enc(String.join(",", settings.scopes()))
                + "&redirect_uri=" + enc(settings.callbackUrl().orElseThrow())
                + "&state=" + state.nonce();
        return Response.seeOther(URI.create(location)).cookie(cookie(state.cookie(), settings.installTimeout())).build();
    }

    @GET
    @Path("callback")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Shopify's redirect after the merchant approved: verified, then the shop is installed")
    public Response callback(@Context UriInfo uri, @CookieParam(InstallStates.COOKIE) String cookie) {
        if (!app.isPublic()) {
            return Problem.response(Response.Status.NOT_FOUND, "no public app is configured");
        }
        Map<String, List<String>> query = uri.getQueryParameters();
        if (!OAuthHmac.verify(app.settings().clientSecret().orElseThrow(), query)) {
            return Problem.response(Response.Status.UNAUTHORIZED, "hmac does not match the query (not from Shopify, or altered)");
        }
        String shop = query.get("shop") == null ? null : query.get("shop").get(0);
        if (!ShopDomains.isValid(shop)) {
            return Problem.response(Response.Status.BAD_REQUEST, "shop " + ShopDomains.MESSAGE);
        }
        Optional<String> stale = stale(query);
        if (stale.isPresent()) {
            return Problem.response(Response.Status.BAD_REQUEST, stale.get());
        }
        String code = query.get("code") == null ? null : query.get("code").get(0);
        if (code == null || !code.matches("[A-Za-z0-9_-]{1,256}")) {
            return Problem.response(Response.Status.BAD_REQUEST, "code is missing or malformed");
        }
        Optional<String> badState = states.use(query.get("state") == null ? null : query.get("state").get(0), shop,
                cookie);
        if (badState.isPresent()) {
            return Problem.response(Response.Status.BAD_REQUEST, badState.get());
        }
        ShopifyTokens tokens = app.tokens().orElseThrow();
        TokenGrant grant;
        try {
            grant = tokens.authorizationCode(shop, code, Duration.ofSeconds(20)).await().indefinitely();
        } catch (TokenRefusedException e) {
            return Problem.response(Response.Status.BAD_REQUEST, e.getMessage() + ": start the install again");
        } catch (IllegalArgumentException e) {
            return Problem.response(Response.Status.BAD_GATEWAY, "Shopify's token answer is malformed: " + e.getMessage());
        } catch (ShopifyTokens.TokenEndpointUnavailableException e) {
            return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "Shopify's token endpoint is unavailable: try again");
        }
        if (grant.refreshToken() == null || grant.accessTokenExpiresAt() == null) {
            return Problem.response(Response.Status.BAD_GATEWAY, "Shopify granted a token that does not expire: "
                    + "expected an expiring offline token (expiring=1)");
        }
        List<String> missing = io.customerflow.shopify.AccessScopes.missing(app.settings().scopes(), grant.scopes());
        if (!missing.isEmpty()) {
            // The merchant approved less than the app asks for: tagging or reconciliation would fail later, per call.
            return Problem.response(Response.Status.BAD_REQUEST, "Shopify granted no " + String.join(", ", missing)
                    + ": install again and approve every access the app asks for");
        }
        installs.installedByMerchant(shop, tokens.clientId(), grant);
        String page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Installed</title></head>"
                + "<body><h1>customer-flow is installed on " + shop + "</h1><p>Bookings of this shop are captured "
                + "from now on. You can close this page.</p></body></html>";
        return Response.ok(page, MediaType.TEXT_HTML_TYPE).cookie(cookie("", Duration.ZERO)).build();
    }

    private Optional<String> stale(Map<String, List<String>> query) {
        List<String> ts = query.get("timestamp");
        long seconds;
        try {
            seconds = Long.parseLong(ts == null ? "" : ts.get(0));
        } catch (NumberFormatException e) {
            return Optional.of("timestamp is missing or not a number");
        }
        long age = Math.abs(Instant.now().getEpochSecond() - seconds);
        return age > app.settings().callbackMaxAge().toSeconds()
                ? Optional.of("timestamp is stale (ingest.app.callback-max-age): start the install again")
                : Optional.empty();
    }

    private NewCookie cookie(String value, Duration life) {
        boolean https = app.settings().callbackUrl().orElse("").startsWith("https://");
        // Lax, not Strict: the callback is a top-level navigation coming back from Shopify's domain.
        return new NewCookie.Builder(InstallStates.COOKIE).value(value).path("/shopify").httpOnly(true).secure(https)
                .sameSite(NewCookie.SameSite.LAX).maxAge((int) life.toSeconds()).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
