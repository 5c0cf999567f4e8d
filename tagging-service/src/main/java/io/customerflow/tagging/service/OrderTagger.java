package io.customerflow.tagging.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
        TAGGED, NO_MATCH, NO_CUSTOMER, REPEAT, UNINSTALLED, IGNORED
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
        this.rules = rules.enabled();
        this.shopify = shopify;
        this.productTags = productTags;
        this.shops = shops;
        this.metrics = metrics;
    }

    /**
     * The lane an event is handled in: its Kafka key, {@code {shop}/{customer}} for an order (see
     * {@code EventKeys.orderKey}), so one customer's events are tagged in order (created before cancelled) and
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
            List<Call> calls = calls(order, matched);
            if (calls.isEmpty()) {
                return count(Outcome.NO_CUSTOMER);
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Call call : calls) {
                chain = chain.call(() -> call.remove
                        ? shopify.tagsRemove(order.shop(), call.gid, call.tags)
                        : shopify.tagsAdd(order.shop(), call.gid, call.tags));
            }
            return chain.invoke(() -> done.add(event.id())).replaceWith(Outcome.TAGGED)
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

    /** One mutation per target and kind, with the tags of every matched rule merged (and renamed per shop). */
    private List<Call> calls(OrderEvent order, List<Rules.Rule> matched) {
        Map<String, Set<String>> add = new LinkedHashMap<>();
        Map<String, Set<String>> remove = new LinkedHashMap<>();
        Long customerId = order.customer() == null ? null : order.customer().shopifyId();
        for (Rules.Rule rule : matched) {
            for (Rules.Action action : rule.actions()) {
                String gid = switch (action.type()) {
                    case ADD_CUSTOMER_TAGS, REMOVE_CUSTOMER_TAGS ->
                            customerId == null ? null : "gid://shopify/Customer/" + customerId;
                    case ADD_ORDER_TAGS -> "gid://shopify/Order/" + order.orderId();
                };
                if (gid == null) {
                    continue; // no customer on the order (e.g. some POS or draft flows): nothing to tag
                }
                var target = action.type() == Rules.ActionType.REMOVE_CUSTOMER_TAGS ? remove : add;
                action.tags().forEach(t -> target.computeIfAbsent(gid, g -> new LinkedHashSet<>())
                        .add(shops.tagName(order.shop(), t)));
            }
        }
        List<Call> calls = new ArrayList<>();
        add.forEach((gid, tags) -> calls.add(new Call(gid, List.copyOf(tags), false)));
        remove.forEach((gid, tags) -> calls.add(new Call(gid, List.copyOf(tags), true)));
        return calls;
    }

    private Uni<Outcome> count(Outcome outcome) {
        metrics.counter("tagging.events", "outcome", outcome.name().toLowerCase()).increment();
        return Uni.createFrom().item(outcome);
    }

    private record Call(String gid, List<String> tags, boolean remove) {
    }
}
