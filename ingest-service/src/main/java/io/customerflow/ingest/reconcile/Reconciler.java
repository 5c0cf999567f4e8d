package io.customerflow.ingest.reconcile;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.ingest.client.BulkOrdersClient;
import io.customerflow.ingest.client.ShopifyOrdersClient;
import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.messaging.EventPublisher;
import io.customerflow.ingest.service.ShopInstalls;
import io.customerflow.ingest.service.WebhookEvents;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.ShopRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;

/**
 * Runs reconciliation on its schedule and backfills on request, for the shops installed in the shop registry (those
 * that opted into reconciliation), on the one replica that leads (see {@link PassStates}). Shops are independent:
 * each pass runs on its own thread, paced by its own shop's bucket, and a failing shop never holds up another. A shop
 * installed while it runs is picked up at the next tick; one uninstalled stops at its next page.
 */
@Startup
@ApplicationScoped
public class Reconciler {

    private final IngestConfig config;
    private final RegisteredShops shops;
    private final io.customerflow.registry.RefreshRequests refreshRequests;
    private final ShopInstalls installs;
    private final ReconcileMetrics metrics;
    private final Map<String, PassState> written = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final OrderPass.Context context;
    private final OrdersSeen seen;
    private final PassStates states;
    private final ExecutorService passes;
    /** Where webhook-side notes (seen orders, uninstalls) are written: never on the request's event loop. */
    private final ExecutorService notes;

    private final BulkPass.Context bulk;
    /** When a backfill waiting for its bulk operation asks again (the pass's thread is free meanwhile). */
    private final Map<String, Long> pollAfter = new ConcurrentHashMap<>();

    public Reconciler(IngestConfig config, ShopifyOrdersClient shopify, BulkOrdersClient bulkOrders,
            WebhookEvents events,
            EventPublisher publisher, MeterRegistry registry, RegisteredShops shops, ShopInstalls installs,
            io.customerflow.registry.RefreshRequests refreshRequests,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.config = config;
        this.shops = shops;
        this.refreshRequests = refreshRequests;
        this.installs = installs;
        this.metrics = new ReconcileMetrics(registry);
        var reconcile = config.reconcile();
        KafkaClients kafka = new KafkaClients(kafkaConfig);
        StateTopics.ensure(kafka, reconcile.stateTopic(), reconcile.seenTopic());
        this.seen = new OrdersSeen(kafka, reconcile.seenTopic(), reconcile.seenRetention(), registry);
        this.states = new PassStates(kafka, reconcile.stateTopic(), reconcile.groupId(), reconcile.takeoverAfter(),
                registry);
        Duration publishBound = config.delivery().publishTimeout().multipliedBy(4);
        this.context = new OrderPass.Context(shopify, events,
                records -> publish(publisher, records, publishBound), seen, states, metrics, reconcile.settle());
        this.bulk = new BulkPass.Context(context, bulkOrders, reconcile.bulk(), reconcile.keepForLive());
        states.start();
        this.passes = Executors.newFixedThreadPool(reconcile.concurrency(), r -> daemon(r, "reconcile-pass"));
        this.notes = Executors.newSingleThreadExecutor(r -> daemon(r, "reconcile-notes"));
    }

    /** Whether this replica runs the passes (and the other per-shop upkeep: {@link SubscriptionKeeper}). */
    public boolean leads() {
        return states.leads();
    }

    /** Whether the shop registry has the shop installed (with a token to read its orders). */
    public boolean knows(String shop) {
        return shops.find(shop).map(ShopRecord::installed).orElse(false);
    }

    /**
     * The shop's access token as the registry holds it now, asked for each call (a pass outlives an expiring token).
     * One that expires within {@link #EXPIRY_MARGIN} waits for the refreshed one its owner writes (this is a pass's own
     * thread): Shopify would only answer 401.
     */
    private RegisteredShops.AccessToken token(String shop) {
        RegisteredShops.AccessToken token = shops.accessToken(shop).orElse(null);
        if (token != null && token.expiresAt() != null && !token.expiresAt().isAfter(now().plus(EXPIRY_MARGIN))) {
            try {
                shops.newerThan(shop, token.version(), REFRESH_WAIT).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                // what the registry holds is used as it is
            }
            token = shops.accessToken(shop).orElse(null);
            if (token != null && token.expiresAt() != null && !token.expiresAt().isAfter(now().plus(EXPIRY_MARGIN))) {
                throw new io.customerflow.shopify.AdminApiFailure(io.customerflow.consumer.DeadLetterReason.UNAUTHORIZED,
                        "the access token of " + shop + " expired and no refreshed one arrived within "
                                + REFRESH_WAIT.toSeconds() + " s: the pass resumes from its checkpoint");
            }
        }
        return token;
    }

    /** A token this close to its expiry is not sent: a page may wait for the cost bucket that long. */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

    /** How long a pass waits for a shop's refreshed token. */
    private static final Duration REFRESH_WAIT = Duration.ofSeconds(30);

    /**
     * After Kafka acknowledged a webhook's events: remembers its orders as seen (so no pass re-emits them), and stops
     * reconciling a shop that uninstalled the app. Best effort: a lost "seen" costs a repeat the consumers collapse.
     */
    public void published(List<EventRecord<?>> records) {
        if (seen == null) {
            return;
        }
        notes.execute(() -> note(records));
    }

    private void note(List<EventRecord<?>> records) {
        for (EventRecord<?> r : records) {
            if (r.data() instanceof OrderEvent o && knows(o.shop()) && o.updatedAt() != null) {
                seen.record(o.shop(), Map.of(o.orderId(), new OrdersSeen.Seen(o.updatedAt(), o.cancelledAt() != null)))
                        .exceptionally(e -> {
                            Log.warnf("orders seen: not recorded (%s)", e.toString());
                            return null;
                        });
            } else if (r.type() == EventType.APP_UNINSTALLED && r.topic().equals(r.type().topic())
                    && shops.find(shopOf(r)).isPresent()) {
                uninstall(shopOf(r), r.data() instanceof io.customerflow.events.AppUninstalled u ? u.uninstalledAt() : null);
            }
        }
    }

    /**
     * Asks for a backfill of the orders created in {@code [since, until]}; the leading replica starts it within a
     * second. Completes when Kafka holds the request. Clears an uninstall mark: the operator says the shop is back.
     */
    public java.util.concurrent.CompletableFuture<PassState> requestBackfill(String shop, OffsetDateTime since,
            OffsetDateTime until) {
        OffsetDateTime now = now();
        PassState asked = PassState.requested(PassState.Kind.BACKFILL, shop, since, until, now);
        PassState request = config.reconcile().bulk().enabled() ? asked.reading(PassState.BulkRead.none(), now)
                : asked;
        var reconcileKey = PassState.key(PassState.Kind.RECONCILE, shop);
        var cleared = states.readFromTopic(reconcileKey).filter(s -> s.status() == PassState.Status.UNINSTALLED)
                .map(s -> states.write(s.finished(PassState.Status.DONE, null,
                        now.minus(config.reconcile().interval()))))
                .orElse(java.util.concurrent.CompletableFuture.completedFuture(null));
        // Remembered here too: until the pass starts, this replica must report the request, not the last backfill.
        return cleared.thenCompose(v -> states.write(request)).thenApply(v -> {
            written.put(request.key(), request);
            return request;
        });
    }

    /** A shop's backfill as Kafka holds it (any replica can answer). */
    public Optional<PassState> backfill(String shop) {
        String key = PassState.key(PassState.Kind.BACKFILL, shop);
        PassState mine = written.get(key);
        Optional<PassState> read = states.readFromTopic(key);
        if (mine == null || read.isEmpty()) {
            return mine == null ? read : Optional.of(mine);
        }
        return Optional.of(read.get().savedAt().isAfter(mine.savedAt()) ? read.get() : mine);
    }

    /**
     * Every second (Quarkus Scheduler, skipped while the last tick still runs): starts
     * each installed shop's due reconciliation, any requested backfill, and the next step of a backfill waiting for its
     * bulk operation, on the pass pool.
     */
    @Scheduled(every = "1s", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            if (!states.leads()) {
                seen.follow(); // only the replica running the passes holds the seen table
                return;
            }
            seen.lead();
            if (!seen.awaitLoaded(Duration.ZERO)) {
                return;
            }
            expireSeen();
            for (ShopRecord record : shops.all()) {
                if (!record.installed() || expired(record)) {
                    continue; // an expired token waits for its refresh: Shopify would only answer 401
                }
                String shop = record.shop();
                PassState reconcile = current(PassState.key(PassState.Kind.RECONCILE, shop));
                boolean uninstalled = stoppedByUninstall(reconcile, record);
                PassState backfill = current(PassState.key(PassState.Kind.BACKFILL, shop));
                if (backfill != null && (backfill.status() == PassState.Status.REQUESTED
                        || backfill.status() == PassState.Status.RUNNING)) {
                    start(backfill);
                }
                if (!uninstalled && config.reconcile().enabled() && record.settings().reconcile() && due(reconcile)) {
                    start(reconcile != null ? reconcile : firstPass(shop));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            Log.errorf("reconciler: schedule failed (%s)", e.toString());
        }
    }

    private static boolean expired(ShopRecord record) {
        OffsetDateTime expires = record.credential().accessTokenExpiresAt();
        return expires != null && !expires.isAfter(now().plusSeconds(2));
    }

    private long lastExpiry;

    /** Once per pass interval: the seen table forgets orders older than its retention (bounded memory). */
    private void expireSeen() {
        long nowMillis = System.currentTimeMillis();
        if (nowMillis - lastExpiry < config.reconcile().interval().toMillis()) {
            return;
        }
        lastExpiry = nowMillis;
        seen.expire(now()).whenComplete((n, e) -> {
            if (e != null) {
                Log.warnf("orders seen: tombstones not written (%s)", e.getClass().getSimpleName());
            } else if (n > 0) {
                Log.infof("orders seen: %d orders older than the retention forgotten", n);
            }
        });
    }

    private boolean due(PassState s) {
        if (s == null || s.status() == PassState.Status.RUNNING) {
            return true; // never ran, or a pass died mid-way: resume from its checkpoint
        }
        return s.finishedAt() == null || !s.finishedAt().plus(config.reconcile().interval()).isAfter(now());
    }

    private PassState firstPass(String shop) {
        OffsetDateTime since = now().minus(config.reconcile().firstLookback());
        return PassState.requested(PassState.Kind.RECONCILE, shop, since, null, now());
    }

    private void start(PassState from) {
        String key = from.key();
        Long after = pollAfter.get(key);
        if (after != null && after > System.nanoTime() || !running.add(key)) {
            return;
        }
        pollAfter.remove(key);
        PassState begin = from.kind() == PassState.Kind.RECONCILE && from.status() != PassState.Status.RUNNING
                && from.status() != PassState.Status.REQUESTED ? from.nextPass(now()) : from;
        passes.submit(() -> {
            try {
                java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();
                java.util.function.Supplier<String> tokens = () -> {
                    RegisteredShops.AccessToken token = token(from.shop());
                    used.set(token == null ? 0 : token.version());
                    return token == null ? null : token.token();
                };
                java.util.function.Consumer<PassState> saved = state -> {
                    written.put(key, state);
                    metrics.progress(state);
                };
                PassState end;
                if (from.kind() == PassState.Kind.BACKFILL && config.reconcile().bulk().enabled()) {
                    end = new BulkPass(bulk, begin, tokens, () -> goOn(key, from.shop()), saved).run();
                    if (end != null && end.status() == PassState.Status.RUNNING) {
                        pollAfter.put(key, System.nanoTime() + config.reconcile().bulk().pollInterval().toNanos());
                    }
                } else {
                    end = new OrderPass(context, begin, tokens, () -> goOn(key, from.shop()), saved).run();
                }
                if (end != null && end.status() == PassState.Status.FAILED && "unauthorized".equals(end.problem())
                        && used.get() > 0) {
                    // Shopify refused the token: its owner refreshes it now, and the next pass resumes with the new one.
                    refreshRequests.request(from.shop(), used.get());
                }
            } catch (RuntimeException e) {
                Log.errorf("reconcile %s (%s) failed: %s", from.shop(), from.kind().word(), e.toString());
            } finally {
                running.remove(key);
            }
        });
    }

    /** A pass goes on while this replica leads and the shop has not uninstalled the app. */
    private boolean goOn(String key, String shop) {
        PassState reconcile = states.get(PassState.key(PassState.Kind.RECONCILE, shop)).orElse(null);
        return states.leads() && knows(shop)
                && shops.find(shop).map(r -> !stoppedByUninstall(reconcile, r)).orElse(false);
    }

    /** Stopped by an uninstall, unless the registry installed the shop again after it. */
    private static boolean stoppedByUninstall(PassState reconcile, ShopRecord record) {
        return reconcile != null && reconcile.status() == PassState.Status.UNINSTALLED
                && !record.updatedAt().isAfter(reconcile.savedAt());
    }

    /** The newer of what this replica wrote and what it read (other replicas write requests and uninstalls). */
    private PassState current(String key) {
        PassState mine = written.get(key);
        PassState read = states.get(key).orElse(null);
        if (mine == null || read == null) {
            return mine != null ? mine : read;
        }
        return read.savedAt().isAfter(mine.savedAt()) ? read : mine;
    }

    /** The app left the shop: its credentials leave the registry at once, and its passes stop. */
    private void uninstall(String shop, OffsetDateTime uninstalledAt) {
        try {
            if (!installs.uninstall(shop, uninstalledAt) && shops.find(shop).map(ShopRecord::installed).orElse(false)) {
                return; // a late retry of an uninstall from before the shop's last install: it stays reconciled
            }
        } catch (RuntimeException e) {
            Log.warnf("shop registry: uninstall of %s not written (%s)", shop, e.getMessage());
        }
        markUninstalled(shop);
    }

    private void markUninstalled(String shop) {
        String key = PassState.key(PassState.Kind.RECONCILE, shop);
        PassState last = states.readFromTopic(key).orElse(firstPass(shop));
        PassState stopped = last.finished(PassState.Status.UNINSTALLED, "uninstalled", now());
        states.write(stopped).thenRun(() -> Log.infof("reconciler: %s uninstalled the app, no longer reconciled", shop));
        metrics.problem(PassState.Kind.RECONCILE, "uninstalled");
    }

    private static String shopOf(EventRecord<?> r) {
        return r.data() instanceof io.customerflow.events.AppUninstalled u ? u.shop() : null;
    }

    private static void publish(EventPublisher publisher, List<EventRecord<?>> records, Duration bound) {
        try {
            publisher.publishInBackground(records).await().atMost(bound);
        } catch (RuntimeException e) {
            throw new OrderPass.PublishException("events not acknowledged: " + e.getMessage());
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    @PreDestroy
    void stop() {
        if (passes != null) {
            passes.shutdownNow();
            notes.shutdownNow();
            states.close();
            seen.close();
        }
    }
}
