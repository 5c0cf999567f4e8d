package io.customerflow.store.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.customerflow.events.ShopHealthReport;
import io.customerflow.events.ShopHealthReport.Aspect;
import io.customerflow.store.model.ShopView;

/**
 * A shop's state from what is known of it (docs/SHOPS.md, "Shop health"): uninstalled and needs-reauth as the
 * registry says; else attention when any problem is known, else ok. Problems are fixed words, so the console
 * translates them and the metrics' labels stay a bounded set.
 */
public final class ShopStates {

    /** The states, in the order the Shops page offers them as a filter. */
    public static final List<String> STATES = List.of("ok", "attention", "needs-reauth", "uninstalled");

    /** Every problem word. */
    public static final List<String> PROBLEMS = List.of("token_refused", "token_expired", "subscriptions_failed",
            "klaviyo_revoked", "reconcile_failed", "backfill_failed", "webhooks_quiet");

    /** How long past its expiry a token may wait for its refresh before it is a problem. */
    static final Duration EXPIRY_GRACE = Duration.ofMinutes(5);

    private ShopStates() {
    }

    public static ShopView of(ShopView.Registered r, Map<Aspect, ShopHealthReport> health, ShopView.Pass reconcile,
            ShopView.Pass backfill, Duration quietAfter, OffsetDateTime now) {
        List<String> problems = new ArrayList<>();
        // A refusal before the shop's last install is history: the install brought a new token.
        ShopHealthReport token = health.get(Aspect.TOKEN);
        if (token != null && "refused".equals(token.state()) && !"uninstalled".equals(r.status())
                && (r.installedAt() == null || token.at().isAfter(r.installedAt()))) {
            problems.add("token_refused");
        }
        if ("installed".equals(r.status()) && r.tokenExpiresAt() != null
                && r.tokenExpiresAt().plus(EXPIRY_GRACE).isBefore(now)) {
            problems.add("token_expired");
        }
        if (is(health, Aspect.SUBSCRIPTIONS, "failed")) {
            problems.add("subscriptions_failed");
        }
        if (is(health, Aspect.KLAVIYO, "revoked")) {
            problems.add("klaviyo_revoked");
        }
        if (reconcile != null && "failed".equals(reconcile.status())) {
            problems.add("reconcile_failed");
        }
        if (backfill != null && "failed".equals(backfill.status())) {
            problems.add("backfill_failed");
        }
        ShopHealthReport webhooks = health.get(Aspect.WEBHOOKS);
        if (webhooks != null && webhooks.at().plus(quietAfter).isBefore(now)) {
            problems.add("webhooks_quiet");
        }
        String state = switch (r.status()) {
            case "uninstalled" -> "uninstalled";
            case "needs-reauth" -> "needs-reauth";
            default -> problems.isEmpty() ? "ok" : "attention";
        };
        if (state.equals("uninstalled")) {
            problems.clear(); // nothing of an uninstalled shop is served: its old reports are no problem
        }
        return new ShopView(r, Map.copyOf(health), reconcile, backfill, state, List.copyOf(problems));
    }

    private static boolean is(Map<Aspect, ShopHealthReport> health, Aspect aspect, String state) {
        ShopHealthReport report = health.get(aspect);
        return report != null && state.equals(report.state());
    }
}
