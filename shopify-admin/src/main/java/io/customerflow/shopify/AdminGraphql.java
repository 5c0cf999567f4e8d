package io.customerflow.shopify;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.consumer.Backoff;
import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.consumer.SaasRetries;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;

/**
 * Shopify Admin GraphQL calls with pacing and retries, for any service that talks to it. Paces each shop by its own
 * cost bucket as Shopify reports it (so calls don't get THROTTLED, and one busy shop never delays another), waits out
 * THROTTLED answers until the bucket has restored, retries 429/5xx/timeouts with backoff and jitter (bounded by
 * {@link AdminApiSettings#giveUpAfter()}), and turns what can never succeed into {@link AdminApiFailure}.
 *
 * <p>Two services call the same shop's bucket (tagging writes, ingest reads orders); neither can see the other's
 * calls, but both read the bucket's true level from every answer. A caller that may wait (the reconciler) passes a
 * {@code keepShare}: it only spends while that share of the bucket stays available for the other.
 *
 * <p>Metrics, under the given prefix: {@code <prefix>.throttle.waits{reason=pacing|throttled}} and
 * {@code <prefix>.api.cost} (actual query cost points spent).
 */
public final class AdminGraphql {

    private final AdminApiSettings settings;
    private final MeterRegistry metrics;
    private final String prefix;
    private final ShopCostBudgets budgets;
    private final Map<String, ShopifyGraphqlApi> apis = new ConcurrentHashMap<>();

    public AdminGraphql(AdminApiSettings settings, MeterRegistry metrics, String metricPrefix) {
        this.settings = settings;
        this.metrics = metrics;
        this.prefix = metricPrefix;
        this.budgets = new ShopCostBudgets(settings.assumedCallCost());
    }

    /**
     * What this query is taken to cost until Shopify reports its cost: a service whose assumed cost fits its big
     * queries (ingest's order pages) says so for its small ones, which would otherwise wait for points they never use.
     */
    public AdminGraphql expectCost(String query, int cost) {
        budgets.expect(query, cost);
        return this;
    }

    /** One call, spending down to an empty bucket; emits {@code data}. */
    public Uni<JsonNode> call(String shop, String token, String query, Map<String, Object> variables) {
        return call(shop, token, query, variables, 0);
    }

    /**
     * One call with pacing and retries; emits {@code data}.
     *
     * @param keepShare share (0..1) of the bucket's maximum left available to other callers of the shop
     */
    public Uni<JsonNode> call(String shop, String token, String query, Map<String, Object> variables,
            double keepShare) {
        return call(shop, () -> token, query, variables, keepShare);
    }

    /**
     * The same with the token read at each send, after pacing and between retries: a call can wait longer than an
     * expiring token lives, and the shop's owner replaces the token meanwhile; a token read once would reach Shopify
     * expired (401).
     */
    public Uni<JsonNode> call(String shop, java.util.function.Supplier<String> token, String query,
            Map<String, Object> variables, double keepShare) {
        ShopifyGraphqlApi.GraphqlRequest request = new ShopifyGraphqlApi.GraphqlRequest(query, variables);
        return SaasRetries.run(new SaasRetries.Client<JsonNode>() {
            @Override
            public Uni<JsonNode> attempt() {
                if (keepShare > 0) {
                    return whenItFits(shop, token, query, keepShare).flatMap(v -> send(shop, token, query, request,
                            keepShare));
                }
                return send(shop, token, query, request, keepShare);
            }

            private Uni<JsonNode> send(String shop, java.util.function.Supplier<String> token, String query,
                    ShopifyGraphqlApi.GraphqlRequest request, double keepShare) {
                return Uni.createFrom().completionStage(() -> budgets.mayReserve(shop))
                        .flatMap(v -> sendReserved(shop, token, query, request, keepShare));
            }

            private Uni<JsonNode> sendReserved(String shop, java.util.function.Supplier<String> token, String query,
                    ShopifyGraphqlApi.GraphqlRequest request, double keepShare) {
                ShopCostBudgets.Reservation reservation = budgets.reserve(shop, query, keepShare);
                Uni<Void> paced = Uni.createFrom().voidItem();
                if (!reservation.delay().isZero()) {
                    metrics.counter(prefix + ".throttle.waits", "reason", "pacing").increment();
                    paced = paced.onItem().delayIt().by(Backoff.timerDelay(reservation.delay()));
                }
                java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
                return paced.flatMap(v -> api(shop).execute(token.get(), request))
                        .flatMap(r -> handle(shop, query, r, reservation, settled))
                        .onTermination().invoke(() -> {
                            if (settled.compareAndSet(false, true)) {
                                budgets.release(shop, reservation);
                            }
                        });
            }

            @Override
            public SaasRetries.Decision decide(Throwable failure, int attempt) {
                if (failure instanceof AdminApiFailure) {
                    return SaasRetries.Decision.permanent();
                }
                if (failure instanceof Throttled t) { // not a failed attempt: wait until the bucket holds the cost
                    return SaasRetries.Decision.waitFor(t.wait.plus(budgets.untilFits(shop, query)), "THROTTLED");
                }
                if (failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
                        || failure instanceof NullPointerException) {
                    Log.warnf(failure, "unexpected failure of a Shopify call for %s", shop); // a bug: show where
                }
                return SaasRetries.Decision.retry(SaasRetries.delay(failure, settings.retryBackoff(), attempt,
                        Duration.ofSeconds(30)), SaasRetries.describe(failure));
            }

            @Override
            public void retrying(SaasRetries.Decision decision, int attempt) {
                if (decision.kind() == SaasRetries.Decision.Kind.WAIT) {
                    metrics.counter(prefix + ".throttle.waits", "reason", "throttled").increment();
                } else {
                    Log.warnf("Shopify call for %s failed (%s), retry %d in %d ms", shop, decision.cause(), attempt,
                            decision.delay().toMillis());
                }
            }

            @Override
            public Throwable gaveUp(Throwable last, SaasRetries.Decision decision, int attempts, int waits,
                    Duration spent) {
                return new AdminApiFailure(DeadLetterReason.GAVE_UP, decision.kind() == SaasRetries.Decision.Kind.WAIT
                        ? "still THROTTLED by Shopify for " + shop + " after " + (waits + 1) + " waits in "
                                + spent.toSeconds() + " s"
                        : "Shopify unavailable for " + shop + " after " + attempts + " attempts in "
                                + spent.toSeconds() + " s: " + decision.cause());
            }
        }, settings.giveUpAfter());
    }

    /**
     * For a caller that yields to others: waits until the bucket, as Shopify reports it now, holds the call and the
     * share to leave. The level a caller extrapolates from its own last answer misses what the other service spent
     * meanwhile, so before spending it asks again with a 1-point query whenever that answer is older than
     * {@link #FRESH}.
     */
    private Uni<Void> whenItFits(String shop, java.util.function.Supplier<String> token, String query,
            double keepShare) {
        Uni<Void> fresh = budgets.observedAgo(shop).compareTo(FRESH) <= 0 ? Uni.createFrom().voidItem()
                : Uni.createFrom().deferred(() -> api(shop).execute(token.get(), PROBE)).flatMap(r -> handle(shop, PROBE.query(), r,
                        ShopCostBudgets.Reservation.NONE, new java.util.concurrent.atomic.AtomicBoolean()))
                        .replaceWithVoid();
        return fresh.flatMap(v -> {
            Duration wait = budgets.untilFits(shop, query, keepShare);
            if (wait.isZero()) {
                return Uni.createFrom().voidItem();
            }
            metrics.counter(prefix + ".throttle.waits", "reason", "pacing").increment();
            return Uni.createFrom().voidItem().onItem().delayIt().by(Backoff.timerDelay(wait))
                    .flatMap(x -> whenItFits(shop, token, query, keepShare));
        });
    }

    /** The cheapest query there is (1 point): its answer carries the bucket's level. */
    static final ShopifyGraphqlApi.GraphqlRequest PROBE = new ShopifyGraphqlApi.GraphqlRequest(
            "query bucket { shop { id } }", Map.of());

    /** How old the bucket's last reported level may be when a yielding caller decides to spend. */
    static final Duration FRESH = Duration.ofMillis(100);

    private Uni<JsonNode> handle(String shop, String query, Response response,
            ShopCostBudgets.Reservation reservation, java.util.concurrent.atomic.AtomicBoolean settled) {
        int status = response.getStatus();
        if (status == 401 || status == 403) {
            throw new AdminApiFailure(DeadLetterReason.UNAUTHORIZED, "Shopify answered " + status + " for " + shop
                    + ": the access token is invalid or the app was uninstalled");
        }
        if (status == 404) {
            throw new AdminApiFailure(DeadLetterReason.REJECTED, "Shopify answered 404: unknown shop " + shop);
        }
        if (status == 429 || status >= 500) {
            throw new SaasRetries.RetryableStatus(status, Backoff.retryAfter(response.getHeaderString("Retry-After")));
        }
        if (status != 200) {
            throw new AdminApiFailure(DeadLetterReason.REJECTED, "Shopify answered " + status + " for " + shop);
        }
        JsonNode body = response.readEntity(JsonNode.class);
        JsonNode cost = body.path("extensions").path("cost");
        if (settled.compareAndSet(false, true) && !budgets.observe(shop, query, cost, reservation)) {
            budgets.release(shop, reservation);
        }
        if (cost.has("actualQueryCost")) {
            metrics.counter(prefix + ".api.cost", "shop", "all").increment(cost.path("actualQueryCost").asDouble());
        }
        JsonNode errors = body.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            for (JsonNode e : errors) {
                if ("THROTTLED".equals(e.path("extensions").path("code").asText())) {
                    // With a throttle status the bucket now knows when the call fits: pacing waits for it.
                    throw new Throttled(budgets.throttledWait(cost));
                }
            }
            List<String> messages = new ArrayList<>();
            errors.forEach(e -> messages.add(e.path("message").asText()));
            throw new AdminApiFailure(DeadLetterReason.REJECTED, "GraphQL errors: " + String.join("; ", messages));
        }
        return Uni.createFrom().item(body.path("data"));
    }

    private ShopifyGraphqlApi api(String shop) {
        return apis.computeIfAbsent(shop, s -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(settings.urlTemplate().replace("{shop}", s)
                        .replace("{version}", settings.apiVersion())))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                // Calls of one shop run concurrently (tagging's lanes per customer): enough connections for a
                // Plus shop's budget at real round trips (100 calls/s × 300 ms), paced by the cost bucket.
                .property("io.quarkus.rest.client.connection-pool-size", 64)
                .build(ShopifyGraphqlApi.class));
    }

    /** THROTTLED: wait for the bucket, then try again (not a failed attempt). */
    static final class Throttled extends RuntimeException {
        final Duration wait;

        Throttled(Duration wait) {
            super("THROTTLED", null, false, false);
            this.wait = wait;
        }
    }
}
