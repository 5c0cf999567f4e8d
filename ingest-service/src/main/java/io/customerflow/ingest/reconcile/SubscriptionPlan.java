package io.customerflow.ingest.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a shop's webhook subscriptions need, given what Shopify lists: each kept topic needs one subscription
 * delivering JSON to ingest's URL. A topic without any is created; a topic whose subscriptions all point elsewhere
 * (an old URL) or deliver XML has the first of them corrected; others are left alone (Shopify deletes a
 * subscription after repeated failed deliveries). The API version is the app's (its {@code shopify.app.toml}), not
 * settable per subscription: a subscription on another version is reported, not changed.
 */
public record SubscriptionPlan(List<String> create, List<Existing> update, List<Existing> otherVersion) {

    /** A subscription as Shopify lists it: its gid, topic in GraphQL's form ({@code ORDERS_CREATE}), URI, format. */
    public record Existing(String id, String topic, String uri, String format, String apiVersion) {
    }

    public boolean needsRepair() {
        return !create.isEmpty() || !update.isEmpty();
    }

    /**
     * @param topics     the kept topics as webhooks name them ({@code orders/create})
     * @param uri        where Shopify delivers
     * @param apiVersion the version ingest reads ({@code ingest.shopify.api-version})
     */
    public static SubscriptionPlan of(List<String> topics, String uri, String apiVersion, List<Existing> existing) {
        List<String> create = new ArrayList<>();
        List<Existing> update = new ArrayList<>();
        List<Existing> otherVersion = new ArrayList<>();
        for (String topic : topics) {
            String enumName = enumName(topic);
            List<Existing> ofTopic = existing.stream().filter(e -> enumName.equals(e.topic())).toList();
            List<Existing> right = ofTopic.stream().filter(e -> uri.equals(e.uri()) && "JSON".equals(e.format()))
                    .toList();
            if (ofTopic.isEmpty()) {
                create.add(enumName);
            } else if (right.isEmpty()) {
                update.add(ofTopic.get(0));
            }
            right.stream().filter(e -> e.apiVersion() != null && !apiVersion.equals(e.apiVersion()))
                    .forEach(otherVersion::add);
        }
        return new SubscriptionPlan(List.copyOf(create), List.copyOf(update), List.copyOf(otherVersion));
    }

    /** {@code orders/create} → {@code ORDERS_CREATE}, GraphQL's {@code WebhookSubscriptionTopic}. */
    public static String enumName(String topic) {
        return topic.replace('/', '_').toUpperCase(Locale.ROOT);
    }
}
