package io.customerflow.shopify;

/**
 * Shopify's token endpoint refused the grant for good (400/401/403: a used or revoked code or refresh token, a wrong
 * client secret, an app no longer installed): retrying can't help, the shop must install again. The message holds
 * the status and Shopify's {@code error} word, never a token.
 */
public final class TokenRefusedException extends RuntimeException {

    private final int status;

    public TokenRefusedException(int status, String error) {
        super("Shopify refused the grant: HTTP " + status + (error == null ? "" : " " + error), null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
