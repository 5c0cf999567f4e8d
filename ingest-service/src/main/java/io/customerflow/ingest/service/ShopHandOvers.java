package io.customerflow.ingest.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.registry.ShopRecord;
import io.customerflow.shopify.ShopifyTokens;
import io.customerflow.shopify.TokenGrant;

/**
 * A booking app that owns the OAuth install hands a shop over ({@code PUT /v1/shops/{shop}}): an expiring pair it
 * got from Shopify, a non-expiring token that is migrated at once (token exchange: the old one stops working), or a
 * custom app's shop whose token ingest asks for (client credentials); plus the shop's Klaviyo key and settings. The
 * body is checked field by field: an unknown field, a malformed token or a missing scope is a 400 naming it.
 */
@Singleton
public class ShopHandOvers {

    private static final Set<String> FIELDS = Set.of("credential", "scopes", "klaviyoKey", "settings");
    private static final Set<String> CREDENTIAL_FIELDS = Set.of("kind", "accessToken", "accessTokenExpiresAt",
            "refreshToken", "refreshTokenExpiresAt");
    private static final Set<String> SETTINGS_FIELDS = Set.of("reconcile", "createInstantCustomers", "tagNames");
    private static final String TOKEN = "[\\x21-\\x7e]{8,512}";

    private final ShopifyApp app;
    private final ShopInstalls installs;

    public ShopHandOvers(ShopifyApp app, ShopInstalls installs) {
        this.app = app;
        this.installs = installs;
    }

    /**
     * @throws InvalidFieldException naming the field; TokenRefusedException when Shopify refuses a migration;
     *     MalformedAnswerException (502) when Shopify's answer has the wrong shape
     */
    public ShopRecord handOver(String shop, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidFieldException("body", "must be a JSON object");
        }
        onlyKnown(body, FIELDS, "");
        List<String> scopes = scopes(body.path("scopes"));
        List<String> missing = io.customerflow.shopify.AccessScopes.missing(app.settings().scopes(), scopes);
        if (!missing.isEmpty()) {
            throw new InvalidFieldException("scopes", "lacks " + String.join(", ", missing)
                    + " (the scopes of ingest.app.scopes)");
        }
        JsonNode c = body.path("credential");
        if (!c.isObject()) {
            throw new InvalidFieldException("credential", "is required: an object with kind");
        }
        onlyKnown(c, CREDENTIAL_FIELDS, "credential.");
        String kind = c.path("kind").asText("");
        String klaviyoKey = optionalToken(body, "klaviyoKey");
        ShopRecord.Settings settings = settings(body.path("settings"));
        Duration budget = Duration.ofSeconds(20);
        OffsetDateTime now = ShopInstalls.now();
        try {
            return handOver(shop, kind, c, scopes, klaviyoKey, settings, now, budget);
        } catch (IllegalArgumentException e) {
            throw new MalformedAnswerException("Shopify's token answer is malformed: " + e.getMessage());
        }
    }

    private ShopRecord handOver(String shop, String kind, JsonNode c, List<String> scopes, String klaviyoKey,
            ShopRecord.Settings settings, OffsetDateTime now, Duration budget) {
        return switch (kind) {
            case "expiring" -> {
                tokens(); // an expiring pair is refreshed with the app's secret: without an app it dies within the hour
                TokenGrant grant = new TokenGrant(token(c, "accessToken"), instant(c, "accessTokenExpiresAt", now),
                        token(c, "refreshToken"), instant(c, "refreshTokenExpiresAt", now), scopes);
                yield installs.install(shop, clientId(), ShopRecord.Credential.Kind.EXPIRING, grant, klaviyoKey, settings);
            }
            case "non-expiring" -> {
                String old = token(c, "accessToken");
                TokenGrant grant = tokens().exchange(shop, old, budget).await().indefinitely();
                if (grant.refreshToken() == null || grant.accessTokenExpiresAt() == null) {
                    throw new IllegalArgumentException("the migration answer is not an expiring pair");
                }
                yield installs.install(shop, clientId(), ShopRecord.Credential.Kind.EXPIRING,
                        withScopes(grant, scopes), klaviyoKey, settings);
            }
            case "client-credentials" -> {
                TokenGrant grant = tokens().clientCredentials(shop, budget).await().indefinitely();
                if (grant.accessTokenExpiresAt() == null) {
                    throw new IllegalArgumentException("the client-credentials answer has no expires_in");
                }
                yield installs.install(shop, clientId(), ShopRecord.Credential.Kind.CLIENT_CREDENTIALS,
                        withScopes(grant, scopes), klaviyoKey, settings);
            }
            default -> throw new InvalidFieldException("credential.kind",
                    "must be expiring, non-expiring (migrated at once) or client-credentials");
        };
    }

    /** Shopify answered a grant with something that is not a token answer. */
    public static final class MalformedAnswerException extends RuntimeException {
        MalformedAnswerException(String message) {
            super(message, null, false, false);
        }
    }

    private ShopifyTokens tokens() {
        return app.tokens().orElseThrow(() -> new InvalidFieldException("credential.kind",
                "needs the app's client id and secret here (ingest.app.client-id): none is configured"));
    }

    private String clientId() {
        return app.tokens().map(ShopifyTokens::clientId).orElse(null);
    }

    private static TokenGrant withScopes(TokenGrant g, List<String> scopes) {
        return g.scopes().isEmpty() ? new TokenGrant(g.accessToken(), g.accessTokenExpiresAt(), g.refreshToken(),
                g.refreshTokenExpiresAt(), scopes) : g;
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidFieldException(prefix + (name.length() > 40 ? name.substring(0, 40) : name),
                        "is not a field of a hand-over");
            }
        }
    }

    private static List<String> scopes(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidFieldException("scopes", "is required: the scopes the shop granted");
        }
        List<String> scopes = new ArrayList<>();
        for (JsonNode s : node) {
            if (!s.isTextual() || !s.asText().matches("[a-z_]{1,64}")) {
                throw new InvalidFieldException("scopes", "holds something that is not a scope");
            }
            scopes.add(s.asText());
        }
        return scopes;
    }

    private static String token(JsonNode c, String field) {
        JsonNode t = c.path(field);
        if (!t.isTextual() || !t.asText().matches(TOKEN)) {
            throw new InvalidFieldException("credential." + field, "must be a token (8-512 printable characters)");
        }
        return t.asText();
    }

    private static String optionalToken(JsonNode body, String field) {
        JsonNode t = body.path(field);
        if (t.isMissingNode() || t.isNull()) {
            return null;
        }
        if (!t.isTextual() || !t.asText().matches(TOKEN)) {
            throw new InvalidFieldException(field, "must be a key (8-512 printable characters)");
        }
        return t.asText();
    }

    private static OffsetDateTime instant(JsonNode c, String field, OffsetDateTime now) {
        try {
            OffsetDateTime t = OffsetDateTime.parse(c.path(field).asText(""));
            if (!t.isAfter(now)) {
                throw new InvalidFieldException("credential." + field, "is in the past: the token has expired");
            }
            return t;
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException("credential." + field, "must be an ISO-8601 timestamp with offset");
        }
    }

    private static ShopRecord.Settings settings(JsonNode s) {
        if (s.isMissingNode() || s.isNull()) {
            return null;
        }
        if (!s.isObject()) {
            throw new InvalidFieldException("settings", "must be an object");
        }
        onlyKnown(s, SETTINGS_FIELDS, "settings.");
        Map<String, String> names = new HashMap<>();
        JsonNode tagNames = s.path("tagNames");
        if (!tagNames.isMissingNode()) {
            if (!tagNames.isObject()) {
                throw new InvalidFieldException("settings.tagNames", "must be an object of tag renames");
            }
            tagNames.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual() || e.getValue().asText().isBlank() || e.getValue().asText().length() > 255) {
                    throw new InvalidFieldException("settings.tagNames", "values must be tags (1-255 characters)");
                }
                names.put(e.getKey(), e.getValue().asText());
            });
        }
        return new ShopRecord.Settings(bool(s, "reconcile", true), bool(s, "createInstantCustomers", false), names);
    }

    private static boolean bool(JsonNode s, String field, boolean absent) {
        JsonNode b = s.path(field);
        if (b.isMissingNode()) {
            return absent;
        }
        if (!b.isBoolean()) {
            throw new InvalidFieldException("settings." + field, "must be true or false");
        }
        return b.asBoolean();
    }
}
