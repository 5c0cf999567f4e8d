package io.customerflow.registry;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One shop as the registry holds it (the value of its record on {@code shops.v1}; the key is {@link #shop()}). Secrets
 * ({@link Credential#accessToken()}, {@link Credential#refreshToken()}, {@link #klaviyoKey()}) are sealed by
 * {@link SecretBox}; the rest is plain. {@code version} grows by one with every write of the shop, so a reader can
 * tell a newer credential from the one it used.
 *
 * @param shop the shop's permanent {@code {name}.myshopify.com} domain
 * @param status installed, needs-reauth (Shopify refused its refresh token: no calls until it installs again) or
 *     uninstalled (credentials erased)
 * @param clientId the app that installed it (its OAuth client id); null for a static seed
 * @param scopes the access scopes granted
 * @param credential the Admin API credential; null once uninstalled or needing re-authorisation
 * @param klaviyoKey the shop's Klaviyo private key, sealed; null when it has none here or once uninstalled
 * @param settings what the shop opted into
 * @param updatedAt when this version was written
 * @param installedAt when the shop was last installed (OAuth, hand-over or seed): an {@code app/uninstalled} of an
 *     earlier moment is a late retry of an uninstall before it, and does not remove this install; null in records of
 *     before this field
 * @param version 1 for the first write of the shop, then +1 per write
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShopRecord(String shop, Status status, String clientId, List<String> scopes, Credential credential,
        String klaviyoKey, Settings settings, OffsetDateTime updatedAt, long version, OffsetDateTime installedAt) {

    @com.fasterxml.jackson.annotation.JsonCreator
    public ShopRecord {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        settings = settings == null ? Settings.DEFAULT : settings;
    }

    /** A record without {@link #installedAt()} (tests, and what a bench writes). */
    public ShopRecord(String shop, Status status, String clientId, List<String> scopes, Credential credential,
            String klaviyoKey, Settings settings, OffsetDateTime updatedAt, long version) {
        this(shop, status, clientId, scopes, credential, klaviyoKey, settings, updatedAt, version, null);
    }

    public enum Status {
        @JsonProperty("installed") INSTALLED,
        @JsonProperty("needs-reauth") NEEDS_REAUTH,
        @JsonProperty("uninstalled") UNINSTALLED
    }

    /**
     * An Admin API credential.
     *
     * @param kind expiring (OAuth offline token with a refresh token), client-credentials (a custom app's 24-hour
     *     token, fetched again before it ends) or static (a non-expiring token from configuration: the local run and tests)
     * @param accessToken sealed
     * @param accessTokenExpiresAt null for static
     * @param refreshToken sealed; expiring only
     * @param refreshTokenExpiresAt expiring only
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Credential(Kind kind, String accessToken, OffsetDateTime accessTokenExpiresAt, String refreshToken,
            OffsetDateTime refreshTokenExpiresAt) {

        public enum Kind {
            @JsonProperty("expiring") EXPIRING,
            @JsonProperty("client-credentials") CLIENT_CREDENTIALS,
            @JsonProperty("static") STATIC
        }
    }

    /**
     * What a shop opted into.
     *
     * @param reconcile its orders are read back from the Admin API on ingest's schedule (missed webhooks)
     * @param createInstantCustomers its instant bookers become Shopify customers (tagging)
     * @param tagNames renames of the rules' tags for this shop
     */
    public record Settings(boolean reconcile, boolean createInstantCustomers, Map<String, String> tagNames) {
        public static final Settings DEFAULT = new Settings(true, false, Map.of());

        public Settings {
            tagNames = tagNames == null ? Map.of() : Map.copyOf(tagNames);
        }
    }

    public boolean installed() {
        return status == Status.INSTALLED && credential != null;
    }

    /** The next version of this shop: {@code version + 1}, written now. */
    public ShopRecord next(Status status, Credential credential, String klaviyoKey, OffsetDateTime now) {
        return new ShopRecord(shop, status, clientId, scopes, credential, klaviyoKey, settings, now, version + 1,
                installedAt);
    }

    /** Uninstalled: every secret erased, the settings kept for a later install. */
    public ShopRecord uninstalled(OffsetDateTime now) {
        return new ShopRecord(shop, Status.UNINSTALLED, clientId, scopes, null, null, settings, now, version + 1,
                installedAt);
    }
}
