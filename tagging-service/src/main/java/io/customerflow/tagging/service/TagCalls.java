package io.customerflow.tagging.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.customerflow.tagging.client.ShopifyAdminClient;
import io.smallrye.mutiny.Uni;

/** The mutations of matched rules: one per target and kind, the tags of every rule merged and renamed per shop. */
final class TagCalls {

    record Call(String gid, List<String> tags, boolean remove) {
    }

    private TagCalls() {
    }

    /**
     * @param customerGid the customer to tag, or null (no customer: customer actions are skipped)
     * @param orderGid    the order to tag, or null (an instant booking: order actions are skipped)
     */
    static List<Call> of(ShopRegistry shops, String shop, String customerGid, String orderGid,
            List<Rules.Rule> matched) {
        Map<String, Set<String>> add = new LinkedHashMap<>();
        Map<String, Set<String>> remove = new LinkedHashMap<>();
        for (Rules.Rule rule : matched) {
            for (Rules.Action action : rule.actions()) {
                String gid = switch (action.type()) {
                    case ADD_CUSTOMER_TAGS, REMOVE_CUSTOMER_TAGS -> customerGid;
                    case ADD_ORDER_TAGS -> orderGid;
                };
                if (gid == null) {
                    continue;
                }
                var target = action.type() == Rules.ActionType.REMOVE_CUSTOMER_TAGS ? remove : add;
                action.tags().forEach(t -> target.computeIfAbsent(gid, g -> new LinkedHashSet<>())
                        .add(shops.tagName(shop, t)));
            }
        }
        List<Call> calls = new ArrayList<>();
        add.forEach((gid, tags) -> calls.add(new Call(gid, List.copyOf(tags), false)));
        remove.forEach((gid, tags) -> calls.add(new Call(gid, List.copyOf(tags), true)));
        return calls;
    }

    /** Runs the calls one after the other (adds before removes, as listed). */
    static Uni<Void> apply(ShopifyAdminClient shopify, String shop, List<Call> calls) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Call call : calls) {
            chain = chain.call(() -> call.remove()
                    ? shopify.tagsRemove(shop, call.gid(), call.tags())
                    : shopify.tagsAdd(shop, call.gid(), call.tags()));
        }
        return chain;
    }
}
