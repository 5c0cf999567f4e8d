package io.customerflow.tagging.client;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.shopify.AdminApiFailure;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.ShopRecord;
import io.customerflow.shopify.AdminGraphql;
import io.customerflow.shopify.ProductTagCache;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.service.ShopRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * tagging's door to Shopify Admin GraphQL: the tag mutations and product look-ups, for shops with a token that
 * haven't uninstalled the app. Pacing by each shop's cost bucket, THROTTLED waits and retries are the shared
 * {@link AdminGraphql}'s (module shopify-admin); what can never succeed is an {@link AdminApiFailure}.
 */
@ApplicationScoped
public class ShopifyAdminClient {

    /** How long a 401 waits for the shop's owner to write the refreshed token (it refreshes ahead, so rarely). */
    private static final java.time.Duration REFRESH_WAIT = java.time.Duration.ofSeconds(15);
    /**
     * How long a call whose token has expired (or will within {@link #EXPIRY_MARGIN}) waits for the refreshed one: the
     * owner refreshes ahead, so only while no ingest replica owns the shop (a restart, a takeover).
     */
    private static final java.time.Duration EXPIRED_WAIT = java.time.Duration.ofSeconds(60);
    /** A token this close to its expiry is not sent: pacing may hold the call that long, and Shopify would say 401. */
    private static final java.time.Duration EXPIRY_MARGIN = java.time.Duration.ofSeconds(10);
    /** How long an event of a shop without a token waits for an install that may not have reached this replica. */
    private static final java.time.Duration FIRST_TOKEN_WAIT = java.time.Duration.ofSeconds(3);

    private final ShopRegistry shops;
    private final MeterRegistry metrics;
    private final AdminGraphql graphql;

    public ShopifyAdminClient(TaggingConfig config, ShopRegistry shops, MeterRegistry metrics) {
        this.graphql = new AdminGraphql(config.shopify(), metrics, "tagging");
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
        return call(shop, ProductTagCache.QUERY, ProductTagCache.variables(productIds)).map(ProductTagCache::parse);
    }

    /** The cache tagging's order rules read product tags through, for {@code tagging.shopify.product-tags-ttl}. */
    @jakarta.enterprise.inject.Produces
    @jakarta.inject.Singleton
    ProductTagCache productTagCache(TaggingConfig config) {
        return new ProductTagCache(this::productTags, config.shopify().productTagsTtl());
    }

    /** The gid of the shop's customer with this email, or null when it has none. */
    public Uni<String> customerIdByEmail(String shop, String email) {
        return call(shop, ShopifyQueries.CUSTOMER_BY_EMAIL, Map.of("identifier", Map.of("emailAddress", email)))
                .map(data -> data.path("customerByIdentifier").path("id").asText(null));
    }

    /**
     * Creates a customer from what the booking gave (email, names, locale: the fields left null are left out), and
     * answers its gid; {@link EmailTaken} when Shopify already has a customer with that email (created meanwhile).
     */
    public Uni<String> customerCreate(String shop, String email, String firstName, String lastName, String locale) {
        Map<String, Object> input = new java.util.LinkedHashMap<>();
        input.put("email", email);
        putIfPresent(input, "firstName", firstName);
        putIfPresent(input, "lastName", lastName);
        putIfPresent(input, "locale", locale);
        return call(shop, ShopifyQueries.CUSTOMER_CREATE, Map.of("input", input)).map(data -> {
            JsonNode result = data.path("customerCreate");
            List<String> messages = new java.util.ArrayList<>();
            result.path("userErrors").forEach(e -> messages.add(e.path("message").asText()));
            if (messages.stream().anyMatch(m -> m.toLowerCase(java.util.Locale.ROOT).contains("taken"))) {
                throw new EmailTaken();
            }
            if (!messages.isEmpty() || !result.path("customer").hasNonNull("id")) {
                throw new AdminApiFailure(DeadLetterReason.REJECTED,
                        "customerCreate userErrors: " + String.join("; ", messages));
            }
            metrics.counter("tagging.mutations", "mutation", "customerCreate").increment();
            return result.path("customer").path("id").asText();
        });
    }

    /**
     * Starts the shop's workflows that begin with the trigger. Flow's refusal ({@code userErrors}: an unknown handle,
     * a payload over its size limit, a field it doesn't take) can never succeed as sent: {@link AdminApiFailure}.
     */
    public Uni<Void> flowTriggerReceive(String shop, String handle, Map<String, Object> payload) {
        return call(shop, ShopifyQueries.FLOW_TRIGGER_RECEIVE, Map.of("handle", handle, "payload", payload))
                .invoke(data -> {
                    List<String> messages = new java.util.ArrayList<>();
                    data.path("flowTriggerReceive").path("userErrors")
                            .forEach(e -> messages.add(e.path("message").asText().replaceAll("\\s+", " ").strip()));
                    if (!messages.isEmpty()) {
                        throw new AdminApiFailure(DeadLetterReason.REJECTED,
                                "flowTriggerReceive " + handle + " userErrors: " + String.join("; ", messages));
                    }
                    metrics.counter("tagging.mutations", "mutation", "flowTriggerReceive").increment();
                }).replaceWithVoid();
    }

    /** Shopify answered that the email belongs to a customer already: look it up again. */
    public static final class EmailTaken extends RuntimeException {
        EmailTaken() {
            super("the email belongs to a customer already", null, false, false);
        }
    }

    private static void putIfPresent(Map<String, Object> input, String field, String value) {
        if (value != null && !value.isBlank()) {
            input.put(field, value);
        }
    }

    private Uni<Void> mutate(String shop, String field, String query, String gid, List<String> tags) {
        return call(shop, query, Map.of("id", gid, "tags", tags)).invoke(data -> {
            JsonNode errors = data.path(field).path("userErrors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> messages = new java.util.ArrayList<>();
                errors.forEach(e -> messages.add(e.path("message").asText()));
                throw new AdminApiFailure(DeadLetterReason.REJECTED,
                        field + " userErrors: " + String.join("; ", messages));
            }
            metrics.counter("tagging.mutations", "mutation", field).increment();
        }).replaceWithVoid();
    }

    /**
     * Runs one GraphQL call with pacing and retries; emits {@code data}. A token about to expire is not sent: the call
     * waits for the refreshed one ({@link #EXPIRED_WAIT}). A 401 with a registry token asks the owner of the shop's
     * refresh for a new token, waits for it ({@link #REFRESH_WAIT}) and tries once more with it, never in a loop.
     */
    Uni<JsonNode> call(String shop, String query, Map<String, Object> variables) {
        if (shops.isUninstalled(shop)) {
            return Uni.createFrom().failure(new AdminApiFailure(DeadLetterReason.UNINSTALLED,
                    "the app was uninstalled from " + shop));
        }
        if (shops.status(shop).filter(s -> s == ShopRecord.Status.NEEDS_REAUTH).isPresent()) {
            return Uni.createFrom().failure(new AdminApiFailure(DeadLetterReason.UNAUTHORIZED,
                    shop + " needs re-authorisation: Shopify refused its refresh token, install it again"));
        }
        RegisteredShops.AccessToken token = shops.accessToken(shop).orElse(null);
        if (token == null) {
            // A shop installed a moment ago may not have reached this replica's registry yet: wait for it briefly.
            return Uni.createFrom().completionStage(shops.newerToken(shop, 0, FIRST_TOKEN_WAIT)).flatMap(installed -> installed.isEmpty()
                    ? Uni.createFrom().failure(new AdminApiFailure(DeadLetterReason.NO_CREDENTIALS,
                            "no Admin API access token for " + shop + " in the shop registry or tagging.shops"))
                    : call(shop, query, variables));
        }
        if (expiring(token)) {
            return Uni.createFrom().completionStage(shops.refreshRefused(shop, token.version(), EXPIRED_WAIT))
                    .flatMap(newer -> newer.isPresent() && !expiring(newer.get()) ? call(shop, query, variables)
                            : Uni.createFrom().failure(new AdminApiFailure(DeadLetterReason.GAVE_UP, "the access token"
                                    + " of " + shop + " expired and no refreshed one arrived within "
                                    + EXPIRED_WAIT.toSeconds() + " s")));
        }
        return graphql.call(shop, latest(shop, token), query, variables, 0).onFailure(f -> token.version() > 0
                && f instanceof AdminApiFailure a && a.reason() == DeadLetterReason.UNAUTHORIZED)
                .recoverWithUni(f -> Uni.createFrom().completionStage(shops.refreshRefused(shop, token.version(), REFRESH_WAIT))
                        .flatMap(newer -> newer.isPresent() ? graphql.call(shop, latest(shop, newer.get()), query,
                                variables, 0) : Uni.createFrom().failure(f)));
    }

    /**
     * The shop's token as the registry holds it when each attempt is sent (pacing and retries can outlast an
     * expiring token, which the shop's owner replaces meanwhile), never older than the one checked here.
     */
    private java.util.function.Supplier<String> latest(String shop, RegisteredShops.AccessToken checked) {
        return () -> shops.accessToken(shop).filter(t -> t.version() >= checked.version())
                .map(RegisteredShops.AccessToken::token).orElse(checked.token());
    }

    private static boolean expiring(RegisteredShops.AccessToken token) {
        return token.expiresAt() != null
                && !token.expiresAt().isAfter(java.time.OffsetDateTime.now().plus(EXPIRY_MARGIN));
    }
}
