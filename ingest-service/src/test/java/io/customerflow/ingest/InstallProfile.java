package io.customerflow.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.customerflow.infra.ShopifyAdminStandIn;
import io.customerflow.ingest.service.ApiKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * ingest as a public Shopify app against the stand-in's OAuth and token endpoints, whose access tokens live 20 s
 * (refreshed 12 s ahead), with an operator key for the registry API and reconciliation every 2 s (webhook
 * subscriptions kept every 3 s in {@link SubscriptionsProfile}).
 */
public class InstallProfile implements QuarkusTestProfile {

    static final String CLIENT_ID = "test-app-client";
    static final String CLIENT_SECRET = "test-app-secret-0123456789";
    static final String OPERATOR_KEY = "test-operator-key";
    /** A shop with a non-expiring token of old, for the hand-over's migration. */
    static final String LEGACY = "legacy-salon.myshopify.com";
    static final String LEGACY_TOKEN = "shpat_legacy_nonexpiring";

    /** Where the installed shops' webhook subscriptions deliver (kept every 3 s). */
    static final String HEALTH_TOPIC = "test.install.shops.health.v1";
    static final String COMMANDS_TOPIC = "test.install.shops.commands.v1";
    static final String SUBSCRIPTIONS_URI = "https://ingest.example.com/webhooks/shopify";

    static ShopifyAdminStandIn shopify;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("ingest.app.client-id", CLIENT_ID),
                Map.entry("ingest.app.client-secret", CLIENT_SECRET),
                Map.entry("ingest.app.callback-url", "http://127.0.0.1/shopify/callback"),
                Map.entry("ingest.app.refresh-ahead", "12s"),
                Map.entry("ingest.app.refresh-group", "test-install-refresh"),
                Map.entry("ingest.operators.ops.key-sha256", ApiKeys.sha256Hex(OPERATOR_KEY)),
                Map.entry("shop-registry.topic", "test.install.shops.v1"),
                Map.entry("shop-registry.flow-triggers-topic", "test.install.flow-triggers.v1"),
                Map.entry("shop-registry.health-topic", HEALTH_TOPIC),
                Map.entry("shop-registry.commands-topic", COMMANDS_TOPIC),
                Map.entry("ingest.reconcile.interval", "2s"),
                Map.entry("ingest.reconcile.settle", "0s"),
                Map.entry("ingest.reconcile.first-lookback", "P400D"),
                Map.entry("ingest.reconcile.takeover-after", "6s"),
                Map.entry("ingest.reconcile.state-topic", "test.install.reconcile-state.v1"),
                Map.entry("ingest.reconcile.seen-topic", "test.install.orders-seen.v1"),
                Map.entry("ingest.reconcile.group-id", "test-install-reconcile"),
                Map.entry("ingest.shopify.give-up-after", "2s"),
                Map.entry("ingest.subscriptions.callback-url", SUBSCRIPTIONS_URI),
                Map.entry("ingest.subscriptions.interval", "3s"),
                // Kept only where a test is about it (SubscriptionsProfile): its calls would share the shops' tokens
                // and buckets with the refresh and reconciliation this profile's tests count.
                Map.entry("ingest.subscriptions.enabled", String.valueOf(keepsSubscriptions())));
    }

    /** Whether ingest keeps the installed shops' webhook subscriptions in this profile. */
    boolean keepsSubscriptions() {
        return false;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(StandIn.class));
    }

    /** The stand-in, with the app registered and tokens of 20 s. */
    public static class StandIn implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                shopify = new ShopifyAdminStandIn(0).shop(LEGACY, LEGACY_TOKEN, 1000, 50).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shopify.oauth().app(CLIENT_ID, CLIENT_SECRET).accessLifetime(Duration.ofSeconds(20));
            return Map.of("ingest.shopify.url-template", shopify.urlTemplate(),
                    "ingest.app.authorize-url-template", shopify.oauthUrlTemplate("authorize"),
                    "ingest.app.token-url-template", shopify.oauthUrlTemplate("access_token"));
        }

        @Override
        public void stop() {
            if (shopify != null) {
                shopify.close();
            }
        }
    }
}
