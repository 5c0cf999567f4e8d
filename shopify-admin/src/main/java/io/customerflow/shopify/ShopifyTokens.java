package io.customerflow.shopify;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.consumer.Backoff;
import io.customerflow.consumer.SaasRetries;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;

/**
 * An app's grants at Shopify's token endpoint: the OAuth code of an install, the refresh of an expiring offline
 * token, the migration of a non-expiring one (token exchange) and a custom app's client-credentials token. 429, 5xx
 * and timeouts are retried with backoff within the caller's budget; a grant Shopify calls void ({@code invalid_grant})
 * is a {@link TokenRefusedException}; any other refusal (a wrong client secret, URL...) is a
 * {@link TokenEndpointUnavailableException}, never blamed on the shop; an answer of the wrong shape is an
 * {@link IllegalArgumentException} naming the field.
 */
public final class ShopifyTokens {

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token";

    /** The {@code error} words that mean this grant (code, refresh token, old token) is void for good. */
    static final java.util.Set<String> REFUSED = java.util.Set.of("invalid_grant", "invalid_subject_token");

    private final String urlTemplate;
    private final String clientId;
    private final String clientSecret;
    private final Duration readTimeout;
    private final Map<String, ShopifyTokenApi> apis = new ConcurrentHashMap<>();

    /**
     * @param urlTemplate the token endpoint with {@code {shop}}, e.g. {@code https://{shop}/admin/oauth/access_token}
     */
    public ShopifyTokens(String urlTemplate, String clientId, String clientSecret, Duration readTimeout) {
        this.urlTemplate = urlTemplate;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.readTimeout = readTimeout;
    }

    public String clientId() {
        return clientId;
    }

    /** An install's authorization code for an expiring offline token (a code works once). */
    public Uni<TokenGrant> authorizationCode(String shop, String code, Duration budget) {
        return grant(shop, Map.of("code", code, "expiring", "1"), budget);
    }

    /** A new pair for the refresh token; the answer must be stored before the new access token is used. */
    public Uni<TokenGrant> refresh(String shop, String refreshToken, Duration budget) {
        return grant(shop, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), budget);
    }

    /** Migrates a non-expiring offline token to an expiring pair, without the merchant. */
    public Uni<TokenGrant> exchange(String shop, String nonExpiringToken, Duration budget) {
        return grant(shop, Map.of("grant_type", TOKEN_EXCHANGE, "subject_token", nonExpiringToken,
                "subject_token_type", OFFLINE_TOKEN, "requested_token_type", OFFLINE_TOKEN, "expiring", "1"), budget);
    }

    /** A custom app's token for a shop of its organisation (24 hours, no refresh token). */
    public Uni<TokenGrant> clientCredentials(String shop, Duration budget) {
        return grant(shop, Map.of("grant_type", "client_credentials"), budget);
    }

    private Uni<TokenGrant> grant(String shop, Map<String, String> fields, Duration budget) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("client_id", clientId);
        body.put("client_secret", clientSecret);
        body.putAll(fields);
        return SaasRetries.run(new SaasRetries.Client<TokenGrant>() {
            @Override
            public Uni<TokenGrant> attempt() {
                return api(shop).token(body).map(r -> answer(r));
            }

            @Override
            public SaasRetries.Decision decide(Throwable failure, int attempt) {
                if (failure instanceof TokenRefusedException || failure instanceof IllegalArgumentException
                        || failure instanceof TokenEndpointUnavailableException) {
                    return SaasRetries.Decision.permanent();
                }
                return SaasRetries.Decision.retry(SaasRetries.delay(failure, Duration.ofMillis(500), attempt,
                        Duration.ofSeconds(30)), SaasRetries.describe(failure));
            }

            @Override
            public void retrying(SaasRetries.Decision decision, int attempt) {
                Log.warnf("Shopify token endpoint for %s failed (%s), retry %d in %d ms", shop, decision.cause(),
                        attempt, decision.delay().toMillis());
            }

            @Override
            public Throwable gaveUp(Throwable last, SaasRetries.Decision decision, int attempts, int waits,
                    Duration spent) {
                return new TokenEndpointUnavailableException("Shopify's token endpoint unavailable for " + shop
                        + " after " + attempts + " attempts in " + spent.toSeconds() + " s: " + decision.cause());
            }
        }, budget);
    }

    private static TokenGrant answer(Response response) {
        int status = response.getStatus();
        if (status == 429 || status >= 500 || status == 408) {
            throw new SaasRetries.RetryableStatus(status, Backoff.retryAfter(response.getHeaderString("Retry-After")));
        }
        JsonNode body;
        try {
            body = response.readEntity(JsonNode.class);
        } catch (RuntimeException e) {
            if (status != 200) {
                throw new TokenEndpointUnavailableException("Shopify's token endpoint answered HTTP " + status
                        + " without JSON");
            }
            throw new IllegalArgumentException("the token endpoint's answer is not JSON");
        }
        if (status != 200) {
            String raw = body == null ? "" : body.path("error").asText("");
            String error = raw.replaceAll("[^a-z_]", "");
            error = error.substring(0, Math.min(40, error.length()));
            if (REFUSED.contains(error) && status >= 400 && status < 404) {
                throw new TokenRefusedException(status, error);
            }
            // Not about this shop's grant (a wrong client secret, a wrong URL, ...): never a reason to give a shop up.
            throw new TokenEndpointUnavailableException("Shopify's token endpoint answered HTTP " + status + " "
                    + error + ": check ingest.app.client-id, .client-secret and .token-url-template");
        }
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the token endpoint's answer is not a JSON object");
        }
        return TokenGrant.read(body, OffsetDateTime.now(ZoneOffset.UTC));
    }

    private ShopifyTokenApi api(String shop) {
        return apis.computeIfAbsent(shop, s -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(urlTemplate.replace("{shop}", s)))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(ShopifyTokenApi.class));
    }

    /** The token endpoint kept failing (5xx, 429, timeouts) for the whole budget: try again later. */
    public static final class TokenEndpointUnavailableException extends RuntimeException {
        public TokenEndpointUnavailableException(String message) {
            super(message, null, false, false);
        }
    }
}
