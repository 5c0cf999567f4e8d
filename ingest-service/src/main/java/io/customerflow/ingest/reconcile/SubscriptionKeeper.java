package io.customerflow.ingest.reconcile;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.ingest.client.WebhookSubscriptionsClient;
import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.ShopHealth;
import io.customerflow.registry.ShopRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;

/**
 * Keeps each installed shop of the app subscribed to the webhooks ingest needs (docs/SHOPS.md, "Webhook
 * subscriptions"): Shopify deletes a subscription created through the Admin API after 8 consecutive failed
 * deliveries (an outage of ours is enough), and nothing else would bring it back. On the replica that runs the
 * passes, a shop is read when it is new to this replica and then every {@code ingest.subscriptions.interval}; what is
 * missing is created, what points elsewhere corrected ({@link SubscriptionPlan}). One shop at a time, each call paced
 * in the shop's bucket; a shop that fails is counted and read again on the next round, the others go on.
 */
@Startup
@ApplicationScoped
public class SubscriptionKeeper {

    /** What one shop's check found (the metric's {@code outcome}). */
    public enum Outcome { OK, REPAIRED, FAILED }

    private final Reconciler reconciler;
    private final RegisteredShops shops;
    private final ShopHealth health;
    private final WebhookSubscriptionsClient client;
    private final MeterRegistry metrics;
    private final Optional<String> uri;
    private final Optional<String> clientId;
    private final List<String> topics;
    private final String apiVersion;
    private final Duration interval;
    /** When each shop is read next, on this replica while it leads. */
    private final Map<String, OffsetDateTime> due = new ConcurrentHashMap<>();

    public SubscriptionKeeper(IngestConfig config, Reconciler reconciler, RegisteredShops shops,
            WebhookSubscriptionsClient client, MeterRegistry metrics, ShopHealth health) {
        this.health = health;
        this.reconciler = reconciler;
        this.shops = shops;
        this.client = client;
        this.metrics = metrics;
        this.clientId = config.app().clientId();
        this.topics = List.copyOf(config.subscriptions().topics());
        this.apiVersion = config.shopify().apiVersion();
        this.interval = config.subscriptions().interval();
        this.uri = config.subscriptions().enabled() && clientId.isPresent()
                ? deliveryUri(config.subscriptions().callbackUrl(), config.app().callbackUrl()) : Optional.empty();
        Log.infof("webhook subscriptions: %s", uri.map(u -> "kept at " + u + " for " + topics)
                .orElse("not kept (no app, ingest.subscriptions.enabled=false, or no public HTTPS URL)"));
    }

    /**
     * Where Shopify delivers: {@code ingest.subscriptions.callback-url}, which must be an absolute HTTPS URL (Shopify
     * delivers to no other; anything else stops the start, naming it); else the origin of an HTTPS
     * {@code ingest.app.callback-url} with {@code /webhooks/shopify}; else nowhere (a local run on plain HTTP).
     */
    static Optional<String> deliveryUri(Optional<String> configured, Optional<String> appCallback) {
        if (configured.isPresent()) {
            if (!isHttps(configured.get())) {
                throw new IllegalStateException("ingest.subscriptions.callback-url must be an absolute HTTPS URL "
                        + "(Shopify delivers to no other), not '" + configured.get() + "'");
            }
            return configured;
        }
        return appCallback.filter(SubscriptionKeeper::isHttps).map(URI::create)
                .map(u -> "https://" + u.getRawAuthority() + "/webhooks/shopify");
    }

    private static boolean isHttps(String url) {
        try {
            URI u = new URI(url);
            return "https".equals(u.getScheme()) && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /**
     * Every 5 s on the leader: the shops never read by this replica first (a new install), then those read longer
     * ago than the interval, {@link #ROUND_SIZE} at most; one at a time, each call bounded by {@link #CALL_TIMEOUT}. Leadership is asked before
     * each shop (a replica that stepped down stops at once), and a round stops after {@link #FAILURES_TO_STOP} failed
     * shops in a row (Shopify in an incident): those are read again within a minute.
     */
    @Scheduled(every = "5s", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (uri.isEmpty()) {
            return;
        }
        int failedInARow = 0;
        for (ShopRecord record : dueFirstNew()) {
            if (!reconciler.leads()) {
                due.clear(); // whoever leads next reads every shop again
                return;
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            if (shops.find(record.shop()).map(r -> !r.installed() || expired(r, now)).orElse(true)) {
                continue; // uninstalled or its token expired since the round was listed: never send an expired token
            }
            Outcome outcome = check(record.shop());
            // A failed shop is read again sooner, but not every round: a shop that keeps failing would flood the log.
            Duration wait = outcome == Outcome.FAILED && RETRY.compareTo(interval) < 0 ? RETRY : interval;
            due.put(record.shop(), now.plus(wait));
            failedInARow = outcome == Outcome.FAILED ? failedInARow + 1 : 0;
            if (failedInARow >= FAILURES_TO_STOP) {
                Log.warnf("webhook subscriptions: %d shops in a row could not be checked; the round stops here",
                        failedInARow);
                return;
            }
        }
    }

    /** The app's installed shops that are due, those never read on this replica first. */
    private List<ShopRecord> dueFirstNew() {
        if (!reconciler.leads()) {
            due.clear();
            return List.of();
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return shops.all().stream()
                .filter(r -> r.installed() && clientId.get().equals(r.clientId()) && !expired(r, now))
                .filter(r -> !due.getOrDefault(r.shop(), now).isAfter(now))
                .sorted(java.util.Comparator.comparing((ShopRecord r) -> due.containsKey(r.shop())))
                .limit(ROUND_SIZE).toList();
    }

    /** How soon a shop whose check failed is read again (at most the interval). */
    static final Duration RETRY = Duration.ofMinutes(1);
    /** The longest one call of a check may take, its retries included (Shopify's own give-up is longer). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Shops checked in one round at most: the next round (5 s later, or at once when this one took longer) lists them
     * again, new installs first, so an install waits for at most this many checks even among thousands of shops.
     */
    static final int ROUND_SIZE = 50;
    /** Failed shops in a row that end a round. */
    static final int FAILURES_TO_STOP = 3;

    /**
     * A check an operator asked for (the console's "check subscriptions"), on whichever replica read the request:
     * empty when subscriptions are not kept here, or the shop is not an installed shop of the app with a live token.
     */
    public Optional<Outcome> checkNow(String shop) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (uri.isEmpty() || shops.find(shop).map(r -> !r.installed() || !clientId.get().equals(r.clientId())
                || expired(r, now)).orElse(true)) {
            return Optional.empty();
        }
        Outcome outcome = check(shop);
        due.put(shop, now.plus(outcome == Outcome.FAILED && RETRY.compareTo(interval) < 0 ? RETRY : interval));
        return Optional.of(outcome);
    }

    /**
     * Reads the shop's subscriptions and repairs them, counts and reports the outcome; never throws. One check at a
     * time on this replica: a round's and an operator's check of one shop would both create what is missing, and
     * Shopify refuses the second subscription of a topic.
     */
    synchronized Outcome check(String shop) {
        long[] repairs = new long[2];
        Outcome outcome = repair(shop, repairs);
        count(outcome);
        health.report(shop, io.customerflow.events.ShopHealthReport.Aspect.SUBSCRIPTIONS, new io.customerflow.events.ShopHealthReport(outcome.name().toLowerCase(),
                OffsetDateTime.now(ZoneOffset.UTC), null, Map.of("created", repairs[0], "updated", repairs[1])))
                .exceptionally(e -> {
                    Log.debugf("shop health: subscriptions of %s not reported (%s)", shop, e.toString());
                    return null;
                });
        return outcome;
    }

    private Outcome repair(String shop, long[] repairs) {
        try {
            SubscriptionPlan plan = SubscriptionPlan.of(topics, uri.get(), apiVersion,
                    client.list(shop).await().atMost(CALL_TIMEOUT));
            for (String topic : plan.create()) {
                try {
                    client.create(shop, topic, uri.get()).await().atMost(CALL_TIMEOUT);
                } catch (io.customerflow.shopify.AdminApiFailure e) {
                    // Another replica's check (an operator's, during a round) may have created it a moment ago.
                    if (SubscriptionPlan.of(topics, uri.get(), apiVersion, client.list(shop).await().atMost(CALL_TIMEOUT))
                            .create().contains(topic)) {
                        throw e;
                    }
                    continue;
                }
                metrics.counter("ingest.subscriptions.repairs", "action", "created").increment();
                repairs[0]++;
                Log.infof("webhook subscriptions: %s had no %s subscription: created", shop, topic);
            }
            for (SubscriptionPlan.Existing wrong : plan.update()) {
                client.update(shop, wrong.id(), uri.get()).await().atMost(CALL_TIMEOUT);
                metrics.counter("ingest.subscriptions.repairs", "action", "updated").increment();
                repairs[1]++;
                Log.infof("webhook subscriptions: %s's %s subscription delivered elsewhere or as %s: corrected",
                        shop, wrong.topic(), wrong.format());
            }
            plan.otherVersion().forEach(s -> Log.warnf("webhook subscriptions: %s's %s subscription is on API version "
                    + "%s, ingest reads %s: set the app's webhooks api_version (shopify.app.toml)", shop, s.topic(),
                    s.apiVersion(), apiVersion));
            return plan.needsRepair() ? Outcome.REPAIRED : Outcome.OK;
        } catch (RuntimeException e) {
            Log.warnf("webhook subscriptions: %s could not be checked (%s); again within a minute", shop,
                    e.getMessage());
            return Outcome.FAILED;
        }
    }

    private void count(Outcome outcome) {
        metrics.counter("ingest.subscriptions.checks", "outcome", outcome.name().toLowerCase()).increment();
    }

    /** A token this close to its expiry waits for its refresh: pacing and retries could carry a call past it. */
    private static boolean expired(ShopRecord record, OffsetDateTime now) {
        OffsetDateTime expires = record.credential().accessTokenExpiresAt();
        return expires != null && !expires.isAfter(now.plus(EXPIRY_MARGIN));
    }

    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
}
