package io.customerflow.ingest.service;

import java.time.Duration;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.shopify.ShopifyTokens;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

/**
 * The Shopify app shops install ({@code ingest.app.*}), checked at start: a client id without its secret, or a public
 * app without its callback URL, stops the service naming the property. Without a client id there is no OAuth install
 * and no refresh: shops come from the hand-over API with tokens that don't expire, or from static seeds.
 */
@Startup
@Singleton
public class ShopifyApp {

    private final IngestConfig.App app;
    private final ShopifyTokens tokens;

    public ShopifyApp(IngestConfig config) {
        this.app = config.app();
        String id = app.clientId().filter(s -> !s.isBlank()).orElse(null);
        if (id == null) {
            tokens = null;
            Log.info("shopify app: none (ingest.app.client-id unset): no OAuth install, no token refresh");
            return;
        }
        String secret = app.clientSecret().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "ingest.app.client-secret is not set (INGEST_APP_CLIENT_SECRET): the secret of app " + id));
        if (!app.kind().equals("public") && !app.kind().equals("custom")) {
            throw new IllegalStateException("ingest.app.kind must be public or custom");
        }
        if (app.kind().equals("public") && app.callbackUrl().filter(u -> u.startsWith("http")).isEmpty()) {
            throw new IllegalStateException("ingest.app.callback-url is not set: the public URL of /shopify/callback "
                    + "registered as the app's redirect URL");
        }
        if (!app.tokenUrlTemplate().contains("{shop}") || !app.authorizeUrlTemplate().contains("{shop}")) {
            throw new IllegalStateException("ingest.app.token-url-template and ingest.app.authorize-url-template "
                    + "must contain {shop}");
        }
        tokens = new ShopifyTokens(app.tokenUrlTemplate(), id, secret, Duration.ofSeconds(10));
        Log.infof("shopify app: %s (%s), scopes %s", id, app.kind(), String.join(",", app.scopes()));
    }

    /** The app's token endpoint, when an app is configured. */
    public Optional<ShopifyTokens> tokens() {
        return Optional.ofNullable(tokens);
    }

    public boolean isPublic() {
        return tokens != null && app.kind().equals("public");
    }

    public IngestConfig.App settings() {
        return app;
    }

    /** The secret, for signing and checking what the app exchanges with browsers and Shopify. */
    String secret() {
        return app.clientSecret().orElseThrow();
    }
}
