package io.customerflow.ingest.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.ingest.reconcile.SubscriptionPlan;
import io.customerflow.shopify.AdminApiFailure;
import io.smallrye.mutiny.Uni;

/**
 * A shop's webhook subscriptions through Admin GraphQL ({@code webhookSubscriptions}, {@code webhookSubscriptionCreate},
 * {@code webhookSubscriptionUpdate}), with the registry's token, paced with the shop's other ingest calls. What
 * Shopify refuses ({@code userErrors}) fails with the fields and messages it gave.
 */
@ApplicationScoped
public class WebhookSubscriptionsClient {

    public static final String LIST = "query webhookSubscriptions($first: Int!) { webhookSubscriptions(first: $first) "
            + "{ nodes { id topic uri format apiVersion { handle } } } }";
    public static final String CREATE = "mutation webhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, "
            + "$webhookSubscription: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, "
            + "webhookSubscription: $webhookSubscription) { webhookSubscription { id } userErrors { field message } } }";
    public static final String UPDATE = "mutation webhookSubscriptionUpdate($id: ID!, "
            + "$webhookSubscription: WebhookSubscriptionInput!) { webhookSubscriptionUpdate(id: $id, "
            + "webhookSubscription: $webhookSubscription) { webhookSubscription { id } userErrors { field message } } }";

    /** More than an app ever keeps in one shop; a list this long is read whole. */
    static final int FIRST = 100;

    private final ShopifyOrdersClient admin;

    public WebhookSubscriptionsClient(ShopifyOrdersClient admin) {
        this.admin = admin;
    }

    public Uni<List<SubscriptionPlan.Existing>> list(String shop) {
        return admin.graphql().call(shop, admin.latest(shop, null), LIST, Map.of("first", FIRST), 0).map(data -> {
            JsonNode nodes = data.path("webhookSubscriptions").path("nodes");
            if (!nodes.isArray()) {
                throw new AdminApiFailure(DeadLetterReason.REJECTED, "the answer has no webhookSubscriptions");
            }
            List<SubscriptionPlan.Existing> found = new ArrayList<>();
            for (JsonNode n : nodes) {
                found.add(new SubscriptionPlan.Existing(n.path("id").asText(null), n.path("topic").asText(null),
                        n.path("uri").asText(null), n.path("format").asText(null),
                        n.path("apiVersion").path("handle").asText(null)));
            }
            return found;
        });
    }

    public Uni<Void> create(String shop, String topic, String uri) {
        return mutate(shop, CREATE, "webhookSubscriptionCreate", Map.of("topic", topic, "webhookSubscription",
                Map.of("uri", uri, "format", "JSON")));
    }

    public Uni<Void> update(String shop, String id, String uri) {
        return mutate(shop, UPDATE, "webhookSubscriptionUpdate", Map.of("id", id, "webhookSubscription",
                Map.of("uri", uri, "format", "JSON")));
    }

    private Uni<Void> mutate(String shop, String document, String field, Map<String, Object> variables) {
        return admin.graphql().call(shop, admin.latest(shop, null), document, variables, 0).map(data -> {
            JsonNode errors = data.path(field).path("userErrors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> messages = new ArrayList<>();
                errors.forEach(e -> messages.add(e.path("field") + ": " + e.path("message").asText()));
                throw new AdminApiFailure(DeadLetterReason.REJECTED, field + " refused: " + messages);
            }
            return null;
        }).replaceWithVoid();
    }
}
