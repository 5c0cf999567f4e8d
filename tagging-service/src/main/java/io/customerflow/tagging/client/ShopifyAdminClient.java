package io.customerflow.tagging.client;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.consumer.Backoff;
import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.service.ShopRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;

/**
 * The one door to Shopify Admin GraphQL. Paces each shop by its own cost bucket (so calls don't get THROTTLED,
 * and one busy shop never delays another), waits out THROTTLED answers until the bucket has restored, retries
 * 429/5xx/timeouts with backoff and jitter (bounded), and turns what can never succeed into {@link TaggingFailure}.
 */
@ApplicationScoped
public class ShopifyAdminClient {

    static final String TAGS_ADD = "mutation tagsAdd($id: ID!, $tags: [String!]!) "
            + "{ tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }";
    static final String TAGS_REMOVE = "mutation tagsRemove($id: ID!, $tags: [String!]!) "
            + "{ tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } } }";
    static final String PRODUCT_TAGS = "query productTags($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { id tags } } }";

    private final TaggingConfig.Shopify config;
    private final ShopRegistry shops;
    private final MeterRegistry metrics;
    private final Map<String, ShopifyGraphqlApi> apis = new ConcurrentHashMap<>();
    private final Map<String, CostBucket> buckets = new ConcurrentHashMap<>();
    /**
     * The {@code requestedQueryCost} Shopify last reported per query text: what pacing reserves. (A product look-up's
     * cost grows with its ids; the last one reported is a close enough guess for the next.)
     */
    private final Map<String, Integer> requestedCosts = new ConcurrentHashMap<>();

    public ShopifyAdminClient(TaggingConfig config, ShopRegistry shops, MeterRegistry metrics) {
        this.config = config.shopify();
        this.shops = shops;
        this.metrics = metrics;
    }

    public Uni<Void> tagsAdd(String shop, String gid, List<String> tags) {
        return mutate(shop, "tagsAdd", TAGS_ADD, gid, tags);
    }

    public Uni<Void> tagsRemove(String shop, String gid, List<String> tags) {
        return mutate(shop, "tagsRemove", TAGS_REMOVE, gid, tags);
    }

    /** Tags of each product id (products Shopify doesn't return are absent). */
    public Uni<Map<Long, Set<String>>> productTags(String shop, Collection<Long> productIds) {
        List<String> gids = productIds.stream().map(id -> "gid://shopify/Product/" + id).toList();
        return call(shop, PRODUCT_TAGS, Map.of("ids", gids)).map(data -> {
            Map<Long, Set<String>> tags = new HashMap<>();
            for (JsonNode node : data.path("nodes")) {
                if (node.hasNonNull("id")) {
                    String id = node.get("id").asText();
                    Set<String> set = new HashSet<>();
                    node.path("tags").forEach(t -> set.add(t.asText()));
                    tags.put(Long.parseLong(id.substring(id.lastIndexOf('/') + 1)), set);
                }
            }
            return tags;
        });
    }

    private Uni<Void> mutate(String shop, String field, String query, String gid, List<String> tags) {
        return call(shop, query, Map.of("id", gid, "tags", tags)).invoke(data -> {
            JsonNode errors = data.path(field).path("userErrors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> messages = new java.util.ArrayList<>();
                errors.forEach(e -> messages.add(e.path("message").asText()));
                throw new TaggingFailure(DeadLetterReason.REJECTED,
                        field + " userErrors: " + String.join("; ", messages));
            }
            metrics.counter("tagging.mutations", "mutation", field).increment();
        }).replaceWithVoid();
    }

    /** Runs one GraphQL call with pacing and retries; emits {@code data}. */
    Uni<JsonNode> call(String shop, String query, Map<String, Object> variables) {
        String token = shops.accessToken(shop).orElse(null);
        if (token == null) {
            return Uni.createFrom().failure(new TaggingFailure(DeadLetterReason.NO_CREDENTIALS,
                    "no Admin API access token configured for " + shop));
        }
        if (shops.isUninstalled(shop)) {
            return Uni.createFrom().failure(new TaggingFailure(DeadLetterReason.UNINSTALLED,
                    "the app was uninstalled from " + shop));
        }
        return attempt(shop, token, new ShopifyGraphqlApi.GraphqlRequest(query, variables), 1, 0, System.nanoTime());
    }

    private Uni<JsonNode> attempt(String shop, String token, ShopifyGraphqlApi.GraphqlRequest request, int attempt,
            int throttledWaits, long firstAttempt) {
        Duration pace = bucket(shop).waitFor(requestedCost(request.query()), System.nanoTime());
        Uni<Void> paced = Uni.createFrom().voidItem();
        if (!pace.isZero()) {
            metrics.counter("tagging.throttle.waits", "reason", "pacing").increment();
            paced = paced.onItem().delayIt().by(pace);
        }
        return paced.flatMap(v -> api(shop).execute(token, request))
                .flatMap(response -> handle(shop, request.query(), response))
                .onFailure(Throttled.class).recoverWithUni(t -> {
                    // Temporary: wait for the bucket to hold this query's cost, bounded in time like outages.
                    Duration wait = ((Throttled) t).wait.plus(
                            bucket(shop).estimate(requestedCost(request.query()), System.nanoTime()));
                    Duration throttledFor = Duration.ofNanos(System.nanoTime() - firstAttempt);
                    if (throttledFor.plus(wait).compareTo(config.giveUpAfter()) > 0) {
                        return Uni.createFrom().failure(new TaggingFailure(DeadLetterReason.GAVE_UP,
                                "still THROTTLED by Shopify for " + shop + " after " + (throttledWaits + 1)
                                        + " waits in " + throttledFor.toSeconds() + " s"));
                    }
                    metrics.counter("tagging.throttle.waits", "reason", "throttled").increment();
                    // With a throttle status the wait is zero here: the next attempt's pacing waits for the bucket.
                    return Uni.createFrom().voidItem().onItem().delayIt().by(((Throttled) t).wait)
                            .flatMap(v -> attempt(shop, token, request, attempt, throttledWaits + 1, firstAttempt));
                })
                .onFailure(f -> !(f instanceof TaggingFailure)).recoverWithUni(f -> {
                    Duration delay = backoff(attempt, f);
                    Duration retried = Duration.ofNanos(System.nanoTime() - firstAttempt);
                    if (retried.plus(delay).compareTo(config.giveUpAfter()) > 0) {
                        return Uni.createFrom().failure(new TaggingFailure(DeadLetterReason.GAVE_UP,
                                "Shopify unavailable for " + shop + " after " + attempt + " attempts in "
                                        + retried.toSeconds() + " s: " + describe(f)));
                    }
                    Log.warnf("Shopify call for %s failed (%s), retry %d in %d ms", shop, describe(f), attempt,
                            delay.toMillis());
                    return Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                            .flatMap(v -> attempt(shop, token, request, attempt + 1, throttledWaits, firstAttempt));
                });
    }

    private int requestedCost(String query) {
        return requestedCosts.getOrDefault(query, config.assumedCallCost());
    }

    private Uni<JsonNode> handle(String shop, String query, Response response) {
        int status = response.getStatus();
        if (status == 401 || status == 403) {
            throw new TaggingFailure(DeadLetterReason.UNAUTHORIZED, "Shopify answered " + status + " for " + shop
                    + ": the access token is invalid or the app was uninstalled");
        }
        if (status == 404) {
            throw new TaggingFailure(DeadLetterReason.REJECTED, "Shopify answered 404: unknown shop " + shop);
        }
        if (status == 429 || status >= 500) {
            throw new RetryableStatus(status, retryAfter(response));
        }
        if (status != 200) {
            throw new TaggingFailure(DeadLetterReason.REJECTED, "Shopify answered " + status + " for " + shop);
        }
        JsonNode body = response.readEntity(JsonNode.class);
        JsonNode cost = body.path("extensions").path("cost");
        JsonNode throttle = cost.path("throttleStatus");
        if (throttle.isObject()) {
            bucket(shop).observe(throttle.path("currentlyAvailable").asDouble(),
                    throttle.path("maximumAvailable").asDouble(), throttle.path("restoreRate").asDouble(),
                    System.nanoTime());
        }
        if (cost.path("requestedQueryCost").canConvertToInt()) {
            requestedCosts.put(query, cost.get("requestedQueryCost").asInt());
        }
        if (cost.has("actualQueryCost")) {
            metrics.counter("tagging.api.cost", "shop", "all").increment(cost.path("actualQueryCost").asDouble());
        }
        JsonNode errors = body.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            for (JsonNode e : errors) {
                if ("THROTTLED".equals(e.path("extensions").path("code").asText())) {
                    // With a throttle status the bucket now knows when the call fits: pacing waits for it.
                    throw new Throttled(throttle.isObject() ? Duration.ZERO : restoreWait(cost, throttle));
                }
            }
            List<String> messages = new java.util.ArrayList<>();
            errors.forEach(e -> messages.add(e.path("message").asText()));
            throw new TaggingFailure(DeadLetterReason.REJECTED, "GraphQL errors: " + String.join("; ", messages));
        }
        return Uni.createFrom().item(body.path("data"));
    }

    /** Until the bucket holds the requested cost again, plus a small margin. */
    private Duration restoreWait(JsonNode cost, JsonNode throttle) {
        double requested = cost.path("requestedQueryCost").asDouble(config.assumedCallCost());
        double available = throttle.path("currentlyAvailable").asDouble(0);
        double rate = throttle.path("restoreRate").asDouble(50);
        double seconds = Math.max(0, requested - available) / Math.max(rate, 1);
        return Duration.ofMillis((long) (seconds * 1000) + 50);
    }

    private Duration backoff(int attempt, Throwable f) {
        if (f instanceof RetryableStatus r && r.retryAfter != null) {
            return r.retryAfter;
        }
        return Backoff.exponential(config.retryBackoff(), attempt, Duration.ofSeconds(30));
    }

    private static Duration retryAfter(Response response) {
        return Backoff.retryAfter(response.getHeaderString("Retry-After"));
    }

    private static String describe(Throwable f) {
        return f instanceof RetryableStatus r ? "HTTP " + r.status : f.getClass().getSimpleName();
    }

    private CostBucket bucket(String shop) {
        return buckets.computeIfAbsent(shop, s -> new CostBucket());
    }

    private ShopifyGraphqlApi api(String shop) {
        return apis.computeIfAbsent(shop, s -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.urlTemplate().replace("{shop}", s).replace("{version}", config.apiVersion())))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
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

    /** 429 or 5xx: worth retrying. */
    static final class RetryableStatus extends RuntimeException {
        final int status;
        final Duration retryAfter;

        RetryableStatus(int status, Duration retryAfter) {
            super("HTTP " + status, null, false, false);
            this.status = status;
            this.retryAfter = retryAfter;
        }
    }
}
