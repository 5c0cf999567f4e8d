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
            WebhookSubscriptionsClient client, MeterRegistry metrics) {
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

    /** Every 5 s on the leader: the shops never read by this replica, and those read longer ago than the interval. */
    @Scheduled(every = "5s", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (uri.isEmpty()) {
            return;
        }
        if (!reconciler.leads()) {
            due.clear(); // whoever leads next reads every shop again
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (ShopRecord record : shops.all()) {
            if (!record.installed() || !clientId.get().equals(record.clientId()) || expired(record, now)) {
                continue;
            }
            OffsetDateTime next = due.get(record.shop());
            if (next == null || !next.isAfter(now)) {
                Outcome outcome = check(record.shop());
                count(outcome);
                // A failed shop is read again sooner, but not every round: a shop that keeps failing would flood the log.
                Duration wait = outcome == Outcome.FAILED && RETRY.compareTo(interval) < 0 ? RETRY : interval;
                due.put(record.shop(), now.plus(wait));
            }
        }
    }

    /** How soon a shop whose check failed is read again (at most the interval). */
    static final Duration RETRY = Duration.ofMinutes(1);

    /** Reads the shop's subscriptions and repairs them; never throws. */
    Outcome check(String shop) {
        try {
            SubscriptionPlan plan = SubscriptionPlan.of(topics, uri.get(), apiVersion,
                    client.list(shop).await().atMost(Duration.ofMinutes(3)));
            for (String topic : plan.create()) {
                client.create(shop, topic, uri.get()).await().atMost(Duration.ofMinutes(3));
                metrics.counter("ingest.subscriptions.repairs", "action", "created").increment();
                Log.infof("webhook subscriptions: %s had no %s subscription: created", shop, topic);
            }
            for (SubscriptionPlan.Existing wrong : plan.update()) {
                client.update(shop, wrong.id(), uri.get()).await().atMost(Duration.ofMinutes(3));
                metrics.counter("ingest.subscriptions.repairs", "action", "updated").increment();
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

    private static boolean expired(ShopRecord record, OffsetDateTime now) {
        OffsetDateTime expires = record.credential().accessTokenExpiresAt();
        return expires != null && !expires.isAfter(now.plusSeconds(2));
    }
}
