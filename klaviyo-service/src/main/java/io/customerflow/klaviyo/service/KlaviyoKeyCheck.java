package io.customerflow.klaviyo.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.klaviyo.client.KlaviyoClient;
import io.customerflow.klaviyo.config.KlaviyoConfig;
import io.customerflow.registry.ShopHealth;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Checks each Klaviyo account's key on a schedule ({@code klaviyo.key-check.*}) and reports it to the health of every
 * shop the account serves ({@code klaviyo}): a revoked key shows on the console's shop page before
 * a booking is dead-lettered for it. One call per account per interval, in the account's limit for that endpoint (1 a
 * second, 15 a minute), made by the one replica the account's work partition is assigned to, as for its sending; a key
 * seen for the first time (a new install, a changed key) is checked at the next tick.
 */
@ApplicationScoped
public class KlaviyoKeyCheck {

    private final KlaviyoAccounts accounts;
    private final PacingHandover owners;
    private final KlaviyoClient client;
    private final ShopHealth health;
    private final boolean enabled;
    private final Duration interval;
    static final Duration RETRY = Duration.ofMinutes(1);

    /** When each account (by name: a digest of its key) was last checked here. */
    private final Map<String, OffsetDateTime> checked = new ConcurrentHashMap<>();

    public KlaviyoKeyCheck(KlaviyoAccounts accounts, PacingHandover owners, KlaviyoClient client, ShopHealth health,
            KlaviyoConfig config) {
        this.accounts = accounts;
        this.owners = owners;
        this.client = client;
        this.health = health;
        this.enabled = config.keyCheck().enabled();
        this.interval = config.keyCheck().interval();
    }

    @Scheduled(every = "10s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!enabled) {
            return;
        }
        for (Map.Entry<KlaviyoAccounts.Account, Set<String>> a : accounts.shopsByAccount().entrySet()) {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            OffsetDateTime last = checked.get(a.getKey().name());
            if (!owners.owns(a.getKey().name()) || last != null && last.plus(interval).isAfter(now)) {
                continue;
            }
            KlaviyoClient.KeyState state = client.checkKey(a.getKey().apiKey()).await().indefinitely();
            // A check that could not tell (Klaviyo unavailable, throttled) is tried again within a minute.
            checked.put(a.getKey().name(), state == KlaviyoClient.KeyState.FAILED && RETRY.compareTo(interval) < 0
                    ? now.minus(interval).plus(RETRY) : now);
            if (state == KlaviyoClient.KeyState.REVOKED) {
                Log.warnf("Klaviyo key check: %s was refused (401): shops %s need a new key", a.getKey().name(),
                        a.getValue());
            }
            for (String shop : a.getValue()) {
                health.report(shop, io.customerflow.events.ShopHealthReport.Aspect.KLAVIYO, state.name().toLowerCase(),
                        state == KlaviyoClient.KeyState.FAILED ? "unavailable" : null).exceptionally(e -> {
                            Log.debugf("shop health: Klaviyo key of %s not reported (%s)", shop, e.toString());
                            return null;
                        });
            }
        }
    }
}
