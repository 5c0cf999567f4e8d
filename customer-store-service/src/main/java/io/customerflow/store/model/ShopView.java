package io.customerflow.store.model;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import io.customerflow.events.ShopHealthReport;

/**
 * One shop as the console's Shops pages show it: what the registry holds of it without its secrets, what the services
 * reported of its health, its last reconciliation pass and backfill, and the state computed from them.
 *
 * @param state {@code ok}, {@code attention} (see {@code problems}), {@code needs-reauth} or {@code uninstalled}
 * @param problems fixed words, e.g. {@code subscriptions_failed}, {@code klaviyo_revoked}, {@code webhooks_quiet}
 */
public record ShopView(Registered registered, Map<ShopHealthReport.Aspect, ShopHealthReport> health, Pass reconcile,
        Pass backfill, String state, List<String> problems) {

    public String shop() {
        return registered.shop();
    }

    /** When its last webhook arrived; null before the first. */
    public OffsetDateTime lastWebhook() {
        ShopHealthReport r = health.get(ShopHealthReport.Aspect.WEBHOOKS);
        return r == null ? null : r.at();
    }

    /** Each aspect's last report (null where none was made yet), in the order the shop page shows them. */
    public List<AspectRow> aspects() {
        return java.util.Arrays.stream(ShopHealthReport.Aspect.values())
                .map(a -> new AspectRow(a.word(), health.get(a))).toList();
    }

    /** One row of the shop page's health table. */
    public record AspectRow(String aspect, ShopHealthReport report) {
        public String state() {
            return report == null ? null : report.state();
        }

        public OffsetDateTime at() {
            return report == null ? null : report.at();
        }

        public String detail() {
            return report == null ? null : report.detail();
        }

        public long figure(String name) {
            return report == null ? 0 : report.figures().getOrDefault(name, 0L);
        }
    }

    /**
     * The registry's record without its sealed secrets.
     *
     * @param status installed, needs-reauth or uninstalled
     * @param tokenKind expiring, client-credentials or static; null without a credential
     */
    public record Registered(String shop, String status, String clientId, List<String> scopes, String tokenKind,
            OffsetDateTime tokenExpiresAt, OffsetDateTime refreshTokenExpiresAt, boolean klaviyoKey,
            boolean reconcile, boolean createInstantCustomers, Map<String, String> tagNames,
            OffsetDateTime installedAt, OffsetDateTime updatedAt) {
    }

    /**
     * A reconciliation pass or a backfill, as ingest saved it. {@code readBy}: {@code bulk} (one Shopify bulk
     * operation) or {@code pages}; {@code fallback}: why a backfill that would read a bulk operation pages instead.
     */
    public record Pass(String status, OffsetDateTime since, OffsetDateTime until, long ordersTotal, long ordersScanned,
            long bookingsFound, long eventsPublished, OffsetDateTime startedAt, OffsetDateTime savedAt,
            OffsetDateTime finishedAt, String problem, String readBy, String fallback) {

        /** Percent of the orders scanned, 0 when the total is not known yet. */
        public long percent() {
            return ordersTotal <= 0 ? 0 : Math.min(100, ordersScanned * 100 / ordersTotal);
        }

        public boolean active() {
            return "requested".equals(status) || "running".equals(status);
        }
    }
}
