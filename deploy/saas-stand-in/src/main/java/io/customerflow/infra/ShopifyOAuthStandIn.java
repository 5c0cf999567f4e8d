package io.customerflow.infra;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * Shopify's OAuth as an app meets it, on the Admin stand-in's server: {@code GET /{shop}/admin/oauth/authorize} (the
 * merchant approves at once: a redirect to the app's {@code redirect_uri} with {@code code}, {@code hmac},
 * {@code host}, {@code shop}, {@code state}, {@code timestamp}, signed with the app's secret) and
 * {@code POST /{shop}/admin/oauth/access_token} with Shopify's rules: an authorization code works once;
 * {@code expiring=1} gives an access token of {@link #accessLifetime} and a refresh token; a refresh token gives a
 * new pair, and the previous refresh token stays usable until its replacement is first used; token exchange migrates
 * a shop's non-expiring token (which then stops working); client credentials give a custom app a token without a
 * refresh token. Every Admin call is checked against these tokens: expired, revoked and unknown ones are answered 401
 * and counted.
 */
public final class ShopifyOAuthStandIn {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private record App(String secret, boolean custom) {
    }

    private record Code(String shop, String clientId, String scope) {
    }

    private record Access(String shop, String clientId, Instant expiresAt) {
    }

    private static final class Refresh {
        final String shop;
        final String clientId;
        final Instant expiresAt;
        final String parent;
        volatile boolean retired;

        Refresh(String shop, String clientId, Instant expiresAt, String parent) {
            this.shop = shop;
            this.clientId = clientId;
            this.expiresAt = expiresAt;
            this.parent = parent;
        }
    }

    /** How an Admin call's token fared. */
    public enum Check { VALID, EXPIRED, UNKNOWN }

    private final Map<String, App> apps = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Access> access = new ConcurrentHashMap<>();
    private final Map<String, Refresh> refresh = new ConcurrentHashMap<>();
    private final Map<String, String> scopes = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<String>> declined = new ConcurrentHashMap<>();
    private final AtomicLong expiredUses = new AtomicLong();
    private final AtomicLong unknownUses = new AtomicLong();
    private final AtomicLong refusedGrants = new AtomicLong();
    private final Map<String, AtomicLong> grants = new ConcurrentHashMap<>();
    private final Consumer<String> installed;
    private volatile Duration accessLifetime = Duration.ofHours(1);
    private volatile Duration customLifetime = Duration.ofHours(24);
    private volatile Duration refreshLifetime = Duration.ofDays(90);
    private volatile boolean tokenEndpointDown;
    private volatile Duration tokenLatency = Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicInteger inFlightGrants = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, java.util.List<Instant>> refreshedAt = new ConcurrentHashMap<>();

    /** @param installed told of each shop an install or grant concerns, so the Admin stand-in serves it */
    ShopifyOAuthStandIn(Consumer<String> installed) {
        this.installed = installed;
    }

    /** A public app (OAuth install, expiring tokens). */
    public ShopifyOAuthStandIn app(String clientId, String secret) {
        apps.put(clientId, new App(secret, false));
        return this;
    }

    /** A custom app (client-credentials grant). */
    public ShopifyOAuthStandIn customApp(String clientId, String secret) {
        apps.put(clientId, new App(secret, true));
        return this;
    }

    /** How long the access tokens it grants from now on live (Shopify: 1 hour; tests: seconds). */
    public ShopifyOAuthStandIn accessLifetime(Duration lifetime) {
        this.accessLifetime = lifetime;
        return this;
    }

    public ShopifyOAuthStandIn customLifetime(Duration lifetime) {
        this.customLifetime = lifetime;
        return this;
    }

    /** While down, the token endpoint answers 503. */
    public void tokenEndpointDown(boolean down) {
        this.tokenEndpointDown = down;
    }

    /** Every token-endpoint answer takes this long (a refresh then stays in flight long enough to be interrupted). */
    public ShopifyOAuthStandIn tokenLatency(Duration latency) {
        this.tokenLatency = latency;
        return this;
    }

    /** Token requests received and not answered yet. */
    public int inFlightGrants() {
        return inFlightGrants.get();
    }

    /** When each refresh of the shop was granted, in order. */
    public java.util.List<Instant> refreshedAt(String shop) {
        return java.util.List.copyOf(refreshedAt.getOrDefault(shop, java.util.List.of()));
    }

    /** The app was uninstalled: every token of the shop stops working at once. */
    public void revokeAll(String shop) {
        access.values().removeIf(a -> a.shop.equals(shop));
        refresh.values().forEach(r -> {
            if (r.shop.equals(shop)) {
                r.retired = true;
            }
        });
    }

    /** An expiring pair as if the shop had just installed the app (to fill a registry for a benchmark). */
    public record Pair(String accessToken, String refreshToken, Instant accessExpiresAt, Instant refreshExpiresAt) {
    }

    public Pair grantDirectly(String shop, String clientId) {
        installed.accept(shop);
        Instant now = Instant.now();
        String token = "shpat_" + random(16);
        String next = "shprt_" + random(16);
        access.put(token, new Access(shop, clientId, now.plus(accessLifetime)));
        refresh.put(next, new Refresh(shop, clientId, now.plus(refreshLifetime), null));
        return new Pair(token, next, now.plus(accessLifetime), now.plus(refreshLifetime));
    }

    /** Admin calls made with a token past its expiry. */
    public long expiredUses() {
        return expiredUses.get();
    }

    /** Admin calls made with a token never granted, or revoked. */
    public long unknownUses() {
        return unknownUses.get();
    }

    /** Grants refused (a used code, a retired refresh token, a wrong secret...). */
    public long refusedGrants() {
        return refusedGrants.get();
    }

    /** Grants given, by type: {@code authorization_code}, {@code refresh_token}, {@code token_exchange}, {@code client_credentials}. */
    public long grants(String type) {
        AtomicLong n = grants.get(type);
        return n == null ? 0 : n.get();
    }

    /** The merchant of this shop unticks these optional scopes on the authorize page (they are not granted). */
    public ShopifyOAuthStandIn declines(String shop, String... scopes) {
        declined.put(shop, java.util.Set.of(scopes));
        return this;
    }

    /** The scopes the shop granted at its last install or grant. */
    public String scopes(String shop) {
        return scopes.get(shop);
    }

    /** Checks an Admin call's token for the shop, counting expired and unknown ones. */
    Check check(String shop, String token) {
        Access a = token == null ? null : access.get(token);
        if (a == null || !a.shop.equals(shop)) {
            return Check.UNKNOWN;
        }
        if (Instant.now().isAfter(a.expiresAt)) {
            expiredUses.incrementAndGet();
            return Check.EXPIRED;
        }
        return Check.VALID;
    }

    void countUnknown() {
        unknownUses.incrementAndGet();
    }

    /** {@code GET /{shop}/admin/oauth/authorize}: the merchant approves; back to the app with a signed code. */
    void authorize(HttpExchange exchange, String shop) throws IOException {
        Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
        App app = apps.get(q.getOrDefault("client_id", ""));
        String redirect = q.get("redirect_uri");
        if (app == null || redirect == null || !q.containsKey("state") || app.custom) {
            send(exchange, 400, "text/plain", "Oauth error invalid_request: unknown client_id, or no redirect_uri/state");
            return;
        }
        String code = random(16);
        java.util.Set<String> no = declined.getOrDefault(shop, java.util.Set.of());
        String granted = String.join(",", java.util.Arrays.stream(q.getOrDefault("scope", "").split(","))
                .filter(scope -> !no.contains(scope)).toList());
        codes.put(code, new Code(shop, q.get("client_id"), granted));
        Map<String, String> params = new TreeMap<>();
        params.put("code", code);
        params.put("host", java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("admin.shopify.com/store/" + shop.replace(".myshopify.com", "")).getBytes(StandardCharsets.UTF_8)));
        params.put("shop", shop);
        params.put("state", q.get("state"));
        params.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        String hmac = hmac(app.secret, signedString(params));
        StringBuilder location = new StringBuilder(redirect).append(redirect.contains("?") ? '&' : '?');
        params.forEach((k, v) -> location.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        location.append("hmac=").append(hmac);
        exchange.getResponseHeaders().add("Location", location.toString());
        exchange.sendResponseHeaders(302, -1);
    }

    /** Shopify's message for the query {@code hmac}: the parameters but {@code hmac}, sorted, {@code k=v} joined by {@code &}. */
    public static String signedString(Map<String, String> params) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> {
            if (!k.equals("hmac")) {
                s.append(s.length() == 0 ? "" : "&").append(k).append('=').append(v);
            }
        });
        return s.toString();
    }

    public static String hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code POST /{shop}/admin/oauth/access_token}. */
    void accessToken(HttpExchange exchange, String shop, String body) throws IOException {
        inFlightGrants.incrementAndGet();
        try {
            if (!tokenLatency.isZero()) {
                Thread.sleep(tokenLatency.toMillis());
            }
            grant(exchange, shop, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlightGrants.decrementAndGet();
        }
    }

    private void grant(HttpExchange exchange, String shop, String body) throws IOException {
        if (tokenEndpointDown) {
            send(exchange, 503, "application/json", "{\"errors\":\"Service unavailable\"}");
            return;
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            refuse(exchange, 400, "invalid_request");
            return;
        }
        App app = apps.get(request.path("client_id").asText(""));
        if (app == null || !app.secret.equals(request.path("client_secret").asText(null))) {
            refuse(exchange, 401, "invalid_client");
            return;
        }
        String clientId = request.path("client_id").asText();
        String grant = request.path("grant_type").asText("authorization_code");
        boolean expiring = "1".equals(request.path("expiring").asText());
        switch (grant) {
            case "authorization_code" -> {
                Code code = codes.remove(request.path("code").asText(""));
                if (code == null || !code.shop.equals(shop) || !code.clientId.equals(clientId)) {
                    refuse(exchange, 400, "invalid_grant");
                    return;
                }
                scopes.put(shop, code.scope);
                installed.accept(shop);
                issue(exchange, shop, clientId, expiring, null, "authorization_code");
            }
            case "refresh_token" -> {
                String token = request.path("refresh_token").asText("");
                Refresh r = refresh.get(token);
                if (r == null || r.retired || !r.shop.equals(shop) || !r.clientId.equals(clientId)
                        || Instant.now().isAfter(r.expiresAt)) {
                    refuse(exchange, 400, "invalid_grant");
                    return;
                }
                if (r.parent != null) { // its first use ends the grace of the one it replaced
                    Refresh parent = refresh.get(r.parent);
                    if (parent != null) {
                        parent.retired = true;
                    }
                }
                refreshedAt.computeIfAbsent(shop, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(Instant.now());
                issue(exchange, shop, clientId, true, token, "refresh_token");
            }
            case "urn:ietf:params:oauth:grant-type:token-exchange" -> {
                String subject = request.path("subject_token").asText("");
                String offline = "urn:shopify:params:oauth:token-type:offline-access-token";
                if (!offline.equals(request.path("subject_token_type").asText())
                        || !offline.equals(request.path("requested_token_type").asText())
                        || !exchangeable(shop, subject)) {
                    refuse(exchange, 400, "invalid_subject_token");
                    return;
                }
                issue(exchange, shop, clientId, expiring, null, "token_exchange");
            }
            case "client_credentials" -> {
                if (!app.custom) {
                    refuse(exchange, 400, "unauthorized_client");
                    return;
                }
                installed.accept(shop);
                String token = "shpat_cc_" + random(16);
                access.put(token, new Access(shop, clientId, Instant.now().plus(customLifetime)));
                count("client_credentials");
                ObjectNode answer = JSON.createObjectNode().put("access_token", token)
                        .put("expires_in", customLifetime.toSeconds()).put("scope", scopes.getOrDefault(shop, ""));
                send(exchange, 200, "application/json", answer.toString());
            }
            default -> refuse(exchange, 400, "unsupported_grant_type");
        }
    }

    /** Non-expiring tokens the token exchange accepts, per shop (the Admin stand-in's static tokens). */
    private final Map<String, String> nonExpiring = new ConcurrentHashMap<>();
    private final Map<String, Boolean> exchanged = new ConcurrentHashMap<>();

    void nonExpiring(String shop, String token) {
        if (token != null) {
            nonExpiring.put(shop, token);
        }
    }

    private boolean exchangeable(String shop, String token) {
        return token.equals(nonExpiring.get(shop)) && exchanged.putIfAbsent(shop, true) == null;
    }

    /** Whether the shop's non-expiring token was migrated (it no longer works then). */
    boolean exchanged(String shop) {
        return exchanged.containsKey(shop);
    }

    private void issue(HttpExchange exchange, String shop, String clientId, boolean expiring, String usedRefresh,
            String type) throws IOException {
        String token = "shpat_" + random(16);
        ObjectNode answer = JSON.createObjectNode().put("access_token", token).put("scope", scopes.getOrDefault(shop, ""));
        if (expiring) {
            access.put(token, new Access(shop, clientId, Instant.now().plus(accessLifetime)));
            String next = "shprt_" + random(16);
            if (usedRefresh != null) { // a second use of the same refresh token: the pair it gave before is void
                refresh.values().stream().filter(r -> usedRefresh.equals(r.parent)).forEach(r -> r.retired = true);
            }
            refresh.put(next, new Refresh(shop, clientId, Instant.now().plus(refreshLifetime), usedRefresh));
            answer.put("expires_in", accessLifetime.toSeconds()).put("refresh_token", next)
                    .put("refresh_token_expires_in", refreshLifetime.toSeconds());
        } else {
            access.put(token, new Access(shop, clientId, Instant.MAX));
        }
        count(type);
        send(exchange, 200, "application/json", answer.toString());
    }

    private void count(String type) {
        grants.computeIfAbsent(type, k -> new AtomicLong()).incrementAndGet();
    }

    private void refuse(HttpExchange exchange, int status, String error) throws IOException {
        refusedGrants.incrementAndGet();
        send(exchange, status, "application/json", "{\"error\":\"" + error + "\"}");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
