package io.customerflow.shopify;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What Shopify's token endpoint granted, checked for shape before anyone stores it. Never printed whole:
 * {@link #toString()} leaves the tokens out.
 *
 * @param accessToken the Admin API access token
 * @param accessTokenExpiresAt null for a non-expiring token
 * @param refreshToken null unless expiring
 * @param refreshTokenExpiresAt null unless expiring
 * @param scopes granted
 */
public record TokenGrant(String accessToken, OffsetDateTime accessTokenExpiresAt, String refreshToken,
        OffsetDateTime refreshTokenExpiresAt, List<String> scopes) {

    /** Printable ASCII, as Shopify's tokens are; anything else in a token field is a malformed answer. */
    private static final String TOKEN = "[\\x21-\\x7e]{8,512}";

    /**
     * Reads an answer received at {@code now}.
     *
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    public static TokenGrant read(JsonNode body, OffsetDateTime now) {
        String access = token(body, "access_token", true);
        String refresh = token(body, "refresh_token", false);
        OffsetDateTime expires = expiry(body, "expires_in", now);
        OffsetDateTime refreshExpires = expiry(body, "refresh_token_expires_in", now);
        if (refresh != null && (expires == null || refreshExpires == null)) {
            throw new IllegalArgumentException("a refresh_token comes with expires_in and refresh_token_expires_in");
        }
        JsonNode scope = body.path("scope");
        if (!scope.isMissingNode() && !scope.isNull() && (!scope.isTextual() || !scope.asText().matches("[a-z_,]{0,2000}"))) {
            throw new IllegalArgumentException("scope must be a comma-separated list of scopes");
        }
        List<String> scopes = scope.isTextual() && !scope.asText().isEmpty()
                ? Arrays.stream(scope.asText().split(",")).filter(s -> !s.isEmpty()).toList() : List.of();
        return new TokenGrant(access, expires, refresh, refreshExpires, scopes);
    }

    private static String token(JsonNode body, String field, boolean required) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + " is missing");
            }
            return null;
        }
        if (!node.isTextual() || !node.asText().matches(TOKEN)) {
            throw new IllegalArgumentException(field + " is not a token (8-512 printable characters)");
        }
        return node.asText();
    }

    private static OffsetDateTime expiry(JsonNode body, String field, OffsetDateTime now) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > 400L * 86400) {
            throw new IllegalArgumentException(field + " must be a number of seconds between 1 and 400 days");
        }
        return now.plusSeconds(node.asLong());
    }

    @Override
    public String toString() {
        return "TokenGrant[expiresAt=" + accessTokenExpiresAt + ", refresh=" + (refreshToken != null) + ", scopes="
                + scopes + "]";
    }
}
