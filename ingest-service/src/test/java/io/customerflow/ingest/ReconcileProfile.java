package io.customerflow.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import io.customerflow.infra.ShopifyAdminStandIn;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * ingest with shops to reconcile, against a {@link ShopifyAdminStandIn} that enforces each shop's cost bucket:
 * {@code downtown-salon} reconciled every 2 s; {@code tokyo-spa} backfill only; {@code revoked-shop} answers 401;
 * {@code closing-shop} uninstalls the app during the test. Booking products are recognised by tag (looked up there).
 */
public class ReconcileProfile implements QuarkusTestProfile {

    static final String RECONCILED = "downtown-salon.myshopify.com";
    static final String BACKFILL_ONLY = "tokyo-spa.myshopify.com";
    static final String REVOKED = "revoked-shop.myshopify.com";
    static final String CLOSING = "closing-shop.myshopify.com";

    static ShopifyAdminStandIn shopify;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("ingest.reconcile.interval", "2s"),
                Map.entry("ingest.reconcile.settle", "0s"),
                Map.entry("ingest.reconcile.first-lookback", "P400D"),
                Map.entry("ingest.reconcile.page-size", "10"),
                Map.entry("ingest.reconcile.line-items", "5"),
                Map.entry("ingest.reconcile.takeover-after", "6s"),
                Map.entry("ingest.reconcile.state-topic", "test.reconcile-state.v1"),
                Map.entry("ingest.reconcile.seen-topic", "test.orders-seen.v1"),
                Map.entry("ingest.reconcile.seen-retention", "1h"),
                Map.entry("ingest.shopify.give-up-after", "6s"),
                Map.entry("ingest.booking.product-tags", "sesami-service"),
                Map.entry("ingest.booking.lookup-pause-after-giving-up", "1s"),
                Map.entry("ingest.reconcile.bulk.poll-interval", "100ms"),
                Map.entry("ingest.reconcile.bulk.batch-size", "10"),
                Map.entry("ingest.reconcile.bulk.read-timeout", "1s"),
                Map.entry("ingest.shops.main.domain", RECONCILED),
                Map.entry("ingest.shops.main.access-token", "shpat_main"),
                Map.entry("ingest.shops.tokyo.domain", BACKFILL_ONLY),
                Map.entry("ingest.shops.tokyo.access-token", "shpat_tokyo"),
                Map.entry("ingest.shops.tokyo.reconcile", "false"),
                Map.entry("ingest.shops.revoked.domain", REVOKED),
                Map.entry("ingest.shops.revoked.access-token", "shpat_revoked"),
                Map.entry("ingest.shops.closing.domain", CLOSING),
                Map.entry("ingest.shops.closing.access-token", "shpat_closing"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(StandIn.class));
    }

    /** Starts the stand-in before the application, and points ingest at it. */
    public static class StandIn implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                // Page cost is 10 × (5 + 2) + 1 = 71: a 300-point bucket restoring 150/s makes the pass wait for it.
                shopify = new ShopifyAdminStandIn(0).shop(RECONCILED, "shpat_main", 300, 150)
                        .shop(BACKFILL_ONLY, "shpat_tokyo", 300, 100).shop(REVOKED, "shpat_revoked", 300, 150)
                        .shop(CLOSING, "shpat_closing", 300, 150).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shopify.revoke(REVOKED);
            return Map.of("ingest.shopify.url-template", shopify.urlTemplate(),
                    "ingest.reconcile.bulk.result-url-prefixes", shopify.baseUrl() + "/bulk-results/");
        }

        @Override
        public void stop() {
            if (shopify != null) {
                shopify.close();
            }
        }
    }
}
