package io.customerflow.tagging.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.events.AppUninstalled;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.RecentIds;
import io.customerflow.shopify.ProductTagCache;
import io.customerflow.tagging.client.ShopifyAdminClient;
import io.customerflow.tagging.config.TaggingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * What a merchant's Shopify Flow workflow did, for every shop: on an order event, evaluate the rules and apply
 * the matching rules' actions through the Admin API.
 */
@ApplicationScoped
public class OrderTagger {

    /** What handling an event did. */
    public enum Outcome {
        TAGGED, NO_MATCH, NO_CUSTOMER, REPEAT, UNINSTALLED, IGNORED,
        /** An instant booker of a shop that did not opt in: Shopify holds no customer for them. */
        NOT_IN_SHOPIFY,
        /** A booking step older than its booking's latest: no tag, no Flow trigger (BookingSteps). */
        OUTDATED
    }

    private final List<Rules.Rule> rules;
    private final ShopifyAdminClient shopify;
    private final ProductTagCache productTags;
    private final ShopRegistry shops;
    private final MeterRegistry metrics;
    private final RecentIds done;

    public OrderTagger(RuleSet rules, ShopifyAdminClient shopify, ProductTagCache productTags,
            ShopRegistry shops, MeterRegistry metrics, TaggingConfig config) {
        this.done = new RecentIds(config.consumer().recentlyDone());
        this.rules = rules.enabled().stream().filter(r -> !r.trigger().onBookingStep()).toList();
        this.shopify = shopify;
        this.productTags = productTags;
        this.shops = shops;
        this.metrics = metrics;
    }

    /**
     * The lane an event is handled in: its Kafka key, one per customer for an order ({@code RecordKeys}: the hash of
     * {@code EventKeys.orderKey}, the basis without a key), so one customer's events are tagged in order (created before cancelled) and
     * different customers in parallel; the shop for an uninstall.
     */
    public static String laneOf(EventRecord<?> event) {
        if (event.data() instanceof OrderEvent o) {
            return event.key() != null ? event.key() : EventKeys.orderKey(o);
        }
        return event.data() instanceof AppUninstalled u ? u.shop() : "";
    }

    public Uni<Outcome> handle(EventRecord<?> event) {
        if (event.type() == EventType.APP_UNINSTALLED) {
            shops.markUninstalled(event.dataAs(AppUninstalled.class).shop());
            return count(Outcome.UNINSTALLED);
        }
        if (!(event.data() instanceof OrderEvent order)) {
            return count(Outcome.IGNORED);
        }
        // A redelivered event is skipped; should this memory miss it (restart, another replica), tagsAdd of a tag
        // already present is a no-op in Shopify, so the repeat is harmless.
        if (done.contains(event.id())) {
            return count(Outcome.REPEAT);
        }
        List<Rules.Rule> candidates = rules.stream().filter(r -> r.firesOn(event.type())).toList();
        if (candidates.isEmpty()) {
            return count(Outcome.NO_MATCH);
        }
        // Properties, ids and SKUs first: the product-tag look-up (an API call) only for rules still unmatched.
        List<Rules.Rule> matchedWithoutLookup = candidates.stream()
                .filter(r -> r.matches(order, item -> Set.of())).toList();
        List<Rules.Rule> needLookup = candidates.stream()
                .filter(r -> !matchedWithoutLookup.contains(r) && r.needsProductTags()).toList();
        return productTagsIfNeeded(order, needLookup).flatMap(tags -> {
            List<Rules.Rule> matched = new ArrayList<>(matchedWithoutLookup);
            needLookup.stream().filter(r -> r.matches(order, item -> item.productId() == null ? Set.of()
                    : tags.getOrDefault(item.productId(), Set.of()))).forEach(matched::add);
            matched.forEach(r -> metrics.counter("tagging.rule.matches", "rule", r.name()).increment());
            if (matched.isEmpty()) {
                return count(Outcome.NO_MATCH);
            }
            Long customerId = order.customer() == null ? null : order.customer().shopifyId();
            // No customer on the order (e.g. some POS or draft flows): its customer actions have nothing to tag.
            List<TagCalls.Call> calls = TagCalls.of(shops, order.shop(),
                    customerId == null ? null : "gid://shopify/Customer/" + customerId,
                    "gid://shopify/Order/" + order.orderId(), matched);
            if (calls.isEmpty()) {
                return count(Outcome.NO_CUSTOMER);
            }
            return TagCalls.apply(shopify, order.shop(), calls).invoke(() -> done.add(event.id())).replaceWith(Outcome.TAGGED)
                    .invoke(o -> metrics.counter("tagging.events", "outcome", "tagged").increment());
        });
    }

    private Uni<Map<Long, Set<String>>> productTagsIfNeeded(OrderEvent order, List<Rules.Rule> needLookup) {
        if (needLookup.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Set<Long> ids = order.lineItems().stream().map(li -> li.productId()).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        return ids.isEmpty() ? Uni.createFrom().item(Map.of()) : productTags.tags(order.shop(), ids);
    }

    private Uni<Outcome> count(Outcome outcome) {
        metrics.counter("tagging.events", "outcome", outcome.name().toLowerCase()).increment();
        return Uni.createFrom().item(outcome);
    }

}
