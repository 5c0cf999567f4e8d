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
import io.customerflow.consumer.SaasRetries;
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

    private final TaggingConfig.Shopify config;
    private final ShopRegistry shops;
    private final MeterRegistry metrics;
    private final Map<String, ShopifyGraphqlApi> apis = new ConcurrentHashMap<>();
    private final ShopCostBudgets budgets;

    public ShopifyAdminClient(TaggingConfig config, ShopRegistry shops, MeterRegistry metrics) {
        this.config = config.shopify();
        this.budgets = new ShopCostBudgets(this.config.assumedCallCost());
        this.shops = shops;
        this.metrics = metrics;
    }

    public Uni<Void> tagsAdd(String shop, String gid, List<String> tags) {
        return mutate(shop, "tagsAdd", ShopifyQueries.TAGS_ADD, gid, tags);
    }

    public Uni<Void> tagsRemove(String shop, String gid, List<String> tags) {
        return mutate(shop, "tagsRemove", ShopifyQueries.TAGS_REMOVE, gid, tags);
    }

    /** Tags of each product id (products Shopify doesn't return are absent). */
    public Uni<Map<Long, Set<String>>> productTags(String shop, Collection<Long> productIds) {
        List<String> gids = productIds.stream().map(id -> "gid://shopify/Product/" + id).toList();
        return call(shop, ShopifyQueries.PRODUCT_TAGS, Map.of("ids", gids)).map(data -> {
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
        ShopifyGraphqlApi.GraphqlRequest request = new ShopifyGraphqlApi.GraphqlRequest(query, variables);
        return SaasRetries.run(new SaasRetries.Client<JsonNode>() {
            @Override
            public Uni<JsonNode> attempt() {
                Duration pace = budgets.reserve(shop, query);
                Uni<Void> paced = Uni.createFrom().voidItem();
                if (!pace.isZero()) {
                    metrics.counter("tagging.throttle.waits", "reason", "pacing").increment();
                    paced = paced.onItem().delayIt().by(pace);
                }
                return paced.flatMap(v -> api(shop).execute(token, request)).flatMap(r -> handle(shop, query, r));
            }

            @Override
            public SaasRetries.Decision decide(Throwable failure, int attempt) {
                if (failure instanceof TaggingFailure) {
                    return SaasRetries.Decision.permanent();
                }
                if (failure instanceof Throttled t) { // not a failed attempt: wait until the bucket holds the cost
                    return SaasRetries.Decision.waitFor(t.wait.plus(budgets.untilFits(shop, query)), "THROTTLED");
                }
                return SaasRetries.Decision.retry(SaasRetries.delay(failure, config.retryBackoff(), attempt,
                        Duration.ofSeconds(30)), SaasRetries.describe(failure));
            }

            @Override
            public void retrying(SaasRetries.Decision decision, int attempt) {
                if (decision.kind() == SaasRetries.Decision.Kind.WAIT) {
                    metrics.counter("tagging.throttle.waits", "reason", "throttled").increment();
                } else {
                    Log.warnf("Shopify call for %s failed (%s), retry %d in %d ms", shop, decision.cause(), attempt,
                            decision.delay().toMillis());
                }
            }

            @Override
            public Throwable gaveUp(Throwable last, SaasRetries.Decision decision, int attempts, int waits,
                    Duration spent) {
                return new TaggingFailure(DeadLetterReason.GAVE_UP, decision.kind() == SaasRetries.Decision.Kind.WAIT
                        ? "still THROTTLED by Shopify for " + shop + " after " + (waits + 1) + " waits in "
                                + spent.toSeconds() + " s"
                        : "Shopify unavailable for " + shop + " after " + attempts + " attempts in "
                                + spent.toSeconds() + " s: " + decision.cause());
            }
        }, config.giveUpAfter());
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
            throw new SaasRetries.RetryableStatus(status, retryAfter(response));
        }
        if (status != 200) {
            throw new TaggingFailure(DeadLetterReason.REJECTED, "Shopify answered " + status + " for " + shop);
        }
        JsonNode body = response.readEntity(JsonNode.class);
        JsonNode cost = body.path("extensions").path("cost");
        budgets.observe(shop, query, cost);
        if (cost.has("actualQueryCost")) {
            metrics.counter("tagging.api.cost", "shop", "all").increment(cost.path("actualQueryCost").asDouble());
        }
        JsonNode errors = body.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            for (JsonNode e : errors) {
                if ("THROTTLED".equals(e.path("extensions").path("code").asText())) {
                    // With a throttle status the bucket now knows when the call fits: pacing waits for it.
                    throw new Throttled(budgets.throttledWait(cost));
                }
            }
            List<String> messages = new java.util.ArrayList<>();
            errors.forEach(e -> messages.add(e.path("message").asText()));
            throw new TaggingFailure(DeadLetterReason.REJECTED, "GraphQL errors: " + String.join("; ", messages));
        }
        return Uni.createFrom().item(body.path("data"));
    }

    private static Duration retryAfter(Response response) {
        return Backoff.retryAfter(response.getHeaderString("Retry-After"));
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
}
