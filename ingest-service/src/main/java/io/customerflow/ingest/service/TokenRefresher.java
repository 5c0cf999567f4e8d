package io.customerflow.ingest.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import io.customerflow.consumer.Backoff;
import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;
import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.registry.RefreshRequests;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.SecretBox;
import io.customerflow.registry.ShopHealth;
import io.customerflow.registry.ShopRecord;
import io.customerflow.shopify.ShopifyTokens;
import io.customerflow.shopify.TokenGrant;
import io.customerflow.shopify.TokenRefusedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;

/**
 * Keeps every installed shop's Admin API token alive, each shop by exactly one replica: the replicas share a consumer
 * group on the registry topic, and a replica refreshes the shops of the partitions assigned to it (a shop's record
 * and its refresh live on one partition). A token is refreshed {@code ingest.app.refresh-ahead} before it expires,
 * plus a per-shop jitter, and the new pair is written to the registry; every service, this one included, uses a token
 * only once it has read it back from Kafka. A refresh token Shopify refuses puts the shop in {@code needs-reauth}
 * (no further calls until it installs again); an unavailable token endpoint is retried with backoff. The owner killed
 * mid-refresh loses nothing: the next owner refreshes from what the registry holds, and Shopify keeps the previous
 * refresh token usable until its replacement is first used. Secrets sealed under a retired data key are sealed again
 * under the active one on the way (key rotation). A 401 that a service got with a shop's token
 * ({@link RefreshRequests}) has the owner refresh that shop at once, once for the refused token's version.
 */
@Startup
@ApplicationScoped
public class TokenRefresher {

    private static final Duration ACK = Duration.ofSeconds(30);
    /** How long a partition taken over waits before its shops are refreshed here. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** How long a revocation waits for the refreshes of its partitions still running. */
    private static final Duration REVOKE_WAIT = Duration.ofSeconds(20);
    /** How long a refused refresh waits for an uninstall of the shop before it marks the shop needs-reauth. */
    private static final Duration UNINSTALL_GRACE = Duration.ofSeconds(3);

    private final IngestConfig.App settings;
    private final ShopifyTokens tokens;
    private final RegisteredShops registry;
    private final ShopInstalls installs;
    private final SecretBox box;
    private final MeterRegistry metrics;
    private final KafkaClients kafka;
    /** The partitions this replica owns, and since when. */
    private final Map<Integer, java.time.Instant> owned = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();
    /** The version each shop had when this replica last wrote its next one: not refreshed again from a stale read. */
    private final Map<String, Long> written = new ConcurrentHashMap<>();
    /** The registry version whose token Shopify refused, per shop: refreshed now, once. */
    private final Map<String, Long> requested = new ConcurrentHashMap<>();
    private final SupervisedLoop requests;
    private volatile int partitions;
    private final SupervisedLoop owner;
    private final ScheduledExecutorService ticker;
    private final ExecutorService refreshes;
    private final ShopHealth health;

    public TokenRefresher(ShopifyApp app, RegisteredShops registry, ShopInstalls installs, MeterRegistry metrics,
            RefreshRequests refreshRequests, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            ShopHealth health) {
        this.health = health;
        this.settings = app.settings();
        this.tokens = app.tokens().orElse(null);
        this.registry = registry;
        this.installs = installs;
        this.box = registry.box();
        this.metrics = metrics;
        this.kafka = new KafkaClients(kafkaConfig);
        this.owner = new SupervisedLoop("token-refresh-owner", metrics, this::own).start();
        this.requests = new SupervisedLoop("token-refresh-requests", metrics, loop -> refreshRequests.follow(loop,
                this::requested, () -> { })).start();
        this.refreshes = Executors.newFixedThreadPool(4, r -> daemon(r, "token-refresh"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "token-refresh-schedule"));
        ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Whether this replica refreshes the shop now. */
    public boolean owns(String shop) {
        int n = partitions;
        if (n <= 0) {
            return false;
        }
        java.time.Instant since = owned.get(partition(shop, n));
        // A partition just taken over waits a moment: the previous owner's last acknowledged write reaches this
        // replica's registry view first, so the same refresh token is never used twice.
        return since != null && java.time.Instant.now().isAfter(since.plus(SETTLE));
    }

    private static int partition(String shop, int partitions) {
        return Utils.toPositive(Utils.murmur2(shop.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** On revocation: the refreshes of those partitions still running finish (and are written) before they move. */
    private void awaitRefreshesOf(Collection<TopicPartition> revoked) {
        java.util.Set<Integer> moving = new java.util.HashSet<>();
        revoked.forEach(p -> moving.add(p.partition()));
        long deadline = System.nanoTime() + REVOKE_WAIT.toNanos();
        while (System.nanoTime() < deadline && inFlight.stream().anyMatch(s -> moving.contains(partition(s, partitions)))) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void own(SupervisedLoop loop) {
        Map<String, Object> extra = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer("ingest-token-refresh", settings.refreshGroup(),
                extra)) {
            partitions = consumer.partitionsFor(registry.topic(), Duration.ofSeconds(30)).size();
            consumer.subscribe(List.of(registry.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    revoked.forEach(p -> owned.remove(p.partition()));
                    awaitRefreshesOf(revoked);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    java.time.Instant now = java.time.Instant.now();
                    assigned.forEach(p -> owned.putIfAbsent(p.partition(), now));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    lost.forEach(p -> owned.remove(p.partition()));
                }
            });
            while (loop.running()) {
                consumer.poll(Duration.ofMillis(500)); // membership only: the registry itself is read by RegisteredShops
                loop.up();
            }
        } finally {
            owned.clear();
        }
    }

    private void tick() {
        try {
            OffsetDateTime now = ShopInstalls.now();
            for (ShopRecord r : registry.all()) {
                if (r.installed() && owns(r.shop()) && due(r, now) && inFlight.add(r.shop())) {
                    refreshes.submit(() -> {
                        try {
                            refresh(r);
                        } finally {
                            inFlight.remove(r.shop());
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            Log.errorf("token refresh: schedule failed (%s)", e.toString());
        }
    }

    /**
     * A service got a 401 with the shop's token of that version: the shop's owner refreshes it at its next tick, once,
     * if that version is still the registry's then (one entry per shop at most: the latest version asked for). Only
     * for a shop the registry has, and a version it has seen: an invented shop or version is ignored, so a bad record
     * neither grows this map nor masks a later request.
     */
    private void requested(String shop, long version) {
        ShopRecord r = registry.find(shop).orElse(null);
        if (r == null || version > r.version()) {
            return;
        }
        requested.merge(shop, version, Math::max);
        metrics.counter("shop.tokens.refresh.requested").increment();
    }

    private static boolean renewable(ShopRecord r) {
        return r.credential().kind() != ShopRecord.Credential.Kind.STATIC;
    }

    /** Whether a 401 asked for this version of the shop to be refreshed. */
    private boolean refused(ShopRecord r) {
        Long version = requested.get(r.shop());
        return version != null && version == r.version() && renewable(r);
    }

    private boolean due(ShopRecord r, OffsetDateTime now) {
        Long done = written.get(r.shop());
        if (done != null && r.version() <= done) {
            return false;
        }
        Retry retry = retries.get(r.shop());
        if (retry != null && retry.version == r.version() && now.isBefore(retry.next)) {
            return false;
        }
        return expiresSoon(r, now) || refused(r) || !sealedCurrent(r);
    }

    private boolean expiresSoon(ShopRecord r, OffsetDateTime now) {
        ShopRecord.Credential c = r.credential();
        if (c.kind() == ShopRecord.Credential.Kind.STATIC || c.accessTokenExpiresAt() == null) {
            return false;
        }
        long jitterMillis = Math.floorMod(r.shop().hashCode(), Math.max(1, settings.refreshAhead().toMillis() / 10));
        return !c.accessTokenExpiresAt().minus(settings.refreshAhead()).minusNanos(jitterMillis * 1_000_000)
                .isAfter(now);
    }

    private boolean sealedCurrent(ShopRecord r) {
        return box.isCurrent(r.credential().accessToken()) && box.isCurrent(r.credential().refreshToken())
                && box.isCurrent(r.klaviyoKey());
    }

    private void refresh(ShopRecord r) {
        String shop = r.shop();
        ShopRecord.Credential c = r.credential();
        OffsetDateTime now = ShopInstalls.now();
        try {
            ShopRecord.Credential next;
            boolean rotationOnly = !expiresSoon(r, now) && !refused(r);
            if (rotationOnly) {
                next = reseal(shop, c); // rotation only: the same tokens under the active key
            } else if (tokens == null) {
                throw new IllegalStateException("no app configured (ingest.app.client-id) to refresh with");
            } else {
                Duration left = c.accessTokenExpiresAt() == null ? Duration.ZERO : Duration.between(now, c.accessTokenExpiresAt());
                Duration budget = left.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10)
                        : left.compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(2) : left;
                TokenGrant grant = c.kind() == ShopRecord.Credential.Kind.EXPIRING
                        ? tokens.refresh(shop, box.open(shop, "refreshToken", c.refreshToken()), budget).await().indefinitely()
                        : tokens.clientCredentials(shop, budget).await().indefinitely();
                if (c.kind() == ShopRecord.Credential.Kind.EXPIRING && grant.refreshToken() == null) {
                    throw new IllegalArgumentException("the refresh answer has no refresh_token");
                }
                next = installs.credential(shop, c.kind(), grant);
            }
            if (!stillCurrent(r)) {
                return; // uninstalled or installed again meanwhile: that write wins
            }
            registry.write(r.next(ShopRecord.Status.INSTALLED, next, resealKey(shop, r.klaviyoKey()), ShopInstalls.now()))
                    .get(ACK.toSeconds(), TimeUnit.SECONDS);
            written.put(shop, r.version());
            retries.remove(shop);
            requested.remove(shop, r.version());
            count("ok");
            if (!rotationOnly) {
                report(shop, "refreshed", null);
            }
        } catch (TokenRefusedException e) {
            count("refused");
            // Shopify revokes the tokens when the app is uninstalled: the uninstall (written by whichever replica got
            // the webhook) may be on its way here. It wins; needs-reauth is only for a shop still installed.
            ShopRecord latest = registry.newerThan(shop, r.version(), UNINSTALL_GRACE).join();
            if (latest != null && latest.version() == r.version()) {
                if (writeQuietly(r.next(ShopRecord.Status.NEEDS_REAUTH, null, r.klaviyoKey(), ShopInstalls.now()))) {
                    written.put(shop, r.version());
                    Log.warnf("token refresh: %s needs re-authorisation (%s); no calls until it installs again",
                            shop, e.getMessage());
                    report(shop, "refused", null);
                } else {
                    backOff(r);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            count("failed");
            report(shop, "failed", e instanceof ShopifyTokens.TokenEndpointUnavailableException ? "unavailable"
                    : "unexpected");
            Duration wait = backOff(r);
            Log.warnf("token refresh: %s failed (%s), again in %d ms", shop, e.getClass().getSimpleName()
                    + (e instanceof ShopifyTokens.TokenEndpointUnavailableException ? ": " + e.getMessage() : ""),
                    wait.toMillis());
        }
    }

    /** The shop is tried again later, backing off per failed attempt of the same version. */
    private Duration backOff(ShopRecord r) {
        Retry last = retries.get(r.shop());
        int attempt = last != null && last.version == r.version() ? last.attempt + 1 : 1;
        Duration wait = Backoff.exponential(Duration.ofSeconds(1), attempt, Duration.ofMinutes(1));
        retries.put(r.shop(), new Retry(r.version(), attempt, ShopInstalls.now().plus(wait)));
        return wait;
    }

    private boolean stillCurrent(ShopRecord r) {
        return registry.find(r.shop()).map(now -> now.version() == r.version()).orElse(false);
    }

    private ShopRecord.Credential reseal(String shop, ShopRecord.Credential c) {
        return new ShopRecord.Credential(c.kind(),
                box.seal(shop, "accessToken", box.open(shop, "accessToken", c.accessToken())),
                c.accessTokenExpiresAt(), box.seal(shop, "refreshToken", box.open(shop, "refreshToken", c.refreshToken())),
                c.refreshTokenExpiresAt());
    }

    private String resealKey(String shop, String sealed) {
        return box.isCurrent(sealed) ? sealed : box.seal(shop, "klaviyoKey", box.open(shop, "klaviyoKey", sealed));
    }

    private boolean writeQuietly(ShopRecord record) {
        try {
            registry.write(record).get(ACK.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            Log.warnf("token refresh: %s not marked (%s)", record.shop(), e.getClass().getSimpleName());
            return false;
        }
    }

    /** The shop's health shows the last refresh and how it went; a report that fails is only logged. */
    private void report(String shop, String state, String detail) {
        health.report(shop, io.customerflow.events.ShopHealthReport.Aspect.TOKEN, state, detail).exceptionally(e -> {
            Log.debugf("shop health: token of %s not reported (%s)", shop, e.toString());
            return null;
        });
    }

    private void count(String outcome) {
        metrics.counter("shop.tokens.refreshed", "outcome", outcome).increment();
    }

    private record Retry(long version, int attempt, OffsetDateTime next) {
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
        refreshes.shutdownNow();
        owner.close();
        requests.close();
    }
}
