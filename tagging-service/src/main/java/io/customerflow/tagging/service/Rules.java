package io.customerflow.tagging.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.tagging.config.TaggingConfig;

/** The configured rules, compiled and validated once. A bad rule fails with a message naming it. */
public final class Rules {

    public enum Trigger {
        ORDER_CREATED(EventType.ORDER_CREATED), ORDER_CANCELLED(EventType.ORDER_CANCELLED);

        final EventType eventType;

        Trigger(EventType eventType) {
            this.eventType = eventType;
        }
    }

    public enum ActionType {
        ADD_CUSTOMER_TAGS, REMOVE_CUSTOMER_TAGS, ADD_ORDER_TAGS
    }

    /** One action of a matching rule. */
    public record Action(ActionType type, List<String> tags) {
    }

    /** A condition over one line item; {@code needsProductTags} when it can only be answered with a look-up. */
    public sealed interface Condition permits PropertyCondition, ProductTagCondition, ProductIdCondition, SkuPrefixCondition {
        boolean test(OrderLineItem item, Set<String> productTags);

        default boolean needsProductTags() {
            return false;
        }
    }

    record PropertyCondition(String property, Pattern value) implements Condition {
        public boolean test(OrderLineItem item, Set<String> productTags) {
            return item.properties().stream().anyMatch(p -> property.equals(p.name())
                    && (value == null || p.value() != null && value.matcher(p.value()).matches()));
        }
    }

    record ProductTagCondition(String tag) implements Condition {
        public boolean test(OrderLineItem item, Set<String> productTags) {
            return productTags.stream().anyMatch(t -> t.equalsIgnoreCase(tag));
        }

        @Override
        public boolean needsProductTags() {
            return true;
        }
    }

    record ProductIdCondition(Set<Long> ids) implements Condition {
        public boolean test(OrderLineItem item, Set<String> productTags) {
            return item.productId() != null && ids.contains(item.productId());
        }
    }

    record SkuPrefixCondition(String prefix) implements Condition {
        public boolean test(OrderLineItem item, Set<String> productTags) {
            return item.sku() != null && item.sku().startsWith(prefix);
        }
    }

    /** A compiled rule: fires on its trigger when any/all conditions hold for some line item. */
    public record Rule(String name, Trigger trigger, boolean all, List<Condition> conditions, List<Action> actions) {

        public boolean firesOn(EventType type) {
            return trigger.eventType == type;
        }

        public boolean needsProductTags() {
            return conditions.stream().anyMatch(Condition::needsProductTags);
        }

        /** Whether the order matches; {@code tagsOf} gives a line item's product tags (empty if unknown). */
        public boolean matches(OrderEvent order, java.util.function.Function<OrderLineItem, Set<String>> tagsOf) {
            for (OrderLineItem item : order.lineItems()) {
                Set<String> tags = needsProductTags() ? tagsOf.apply(item) : Set.of();
                boolean hit = all ? conditions.stream().allMatch(c -> c.test(item, tags))
                        : conditions.stream().anyMatch(c -> c.test(item, tags));
                if (hit) {
                    return true;
                }
            }
            return false;
        }
    }

    private Rules() {
    }

    /** @throws IllegalArgumentException naming the first bad rule and what is wrong with it */
    public static List<Rule> compile(List<TaggingConfig.Rule> configured) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            TaggingConfig.Rule r = configured.get(i);
            String name = r.name() == null || r.name().isBlank() ? "#" + i : r.name();
            try {
                Rule rule = compile(name, r);
                if (r.enabled()) {
                    rules.add(rule);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tagging rule '" + name + "' (tagging.rules[" + i + "]) is invalid: "
                        + e.getMessage(), e);
            }
        }
        return List.copyOf(rules);
    }

    private static Rule compile(String name, TaggingConfig.Rule r) {
        Trigger trigger = enumValue(Trigger.class, r.trigger(), "trigger");
        String match = r.match().toUpperCase(Locale.ROOT);
        if (!match.equals("ANY") && !match.equals("ALL")) {
            throw new IllegalArgumentException("match must be ANY or ALL, not '" + r.match() + "'");
        }
        if (r.conditions().isEmpty()) {
            throw new IllegalArgumentException("it has no condition");
        }
        if (r.actions().isEmpty()) {
            throw new IllegalArgumentException("it has no action");
        }
        List<Condition> conditions = new ArrayList<>();
        for (TaggingConfig.Condition c : r.conditions()) {
            conditions.add(condition(c));
        }
        List<Action> actions = new ArrayList<>();
        for (TaggingConfig.Action a : r.actions()) {
            ActionType type = enumValue(ActionType.class, a.type(), "action type");
            if (a.tags().isEmpty() || a.tags().stream().anyMatch(t -> t.isBlank() || t.length() > 255 || t.contains(","))) {
                throw new IllegalArgumentException(type + " needs tags: non-blank, at most 255 characters, no commas");
            }
            actions.add(new Action(type, List.copyOf(a.tags())));
        }
        return new Rule(name, trigger, match.equals("ALL"), List.copyOf(conditions), List.copyOf(actions));
    }

    private static Condition condition(TaggingConfig.Condition c) {
        String type = c.type().toUpperCase(Locale.ROOT);
        return switch (type) {
            case "LINE_ITEM_PROPERTY" -> new PropertyCondition(
                    c.property().filter(p -> !p.isBlank()).orElseThrow(() -> missing(type, "property")),
                    c.valuePattern().map(Rules::pattern).orElse(null));
            case "PRODUCT_TAG" -> new ProductTagCondition(
                    c.tag().filter(t -> !t.isBlank()).orElseThrow(() -> missing(type, "tag")));
            case "PRODUCT_ID" -> new ProductIdCondition(Set.copyOf(
                    c.productIds().filter(ids -> !ids.isEmpty()).orElseThrow(() -> missing(type, "product-ids"))));
            case "SKU_PREFIX" -> new SkuPrefixCondition(
                    c.prefix().filter(p -> !p.isBlank()).orElseThrow(() -> missing(type, "prefix")));
            default -> throw new IllegalArgumentException("unknown condition type '" + c.type()
                    + "' (LINE_ITEM_PROPERTY, PRODUCT_TAG, PRODUCT_ID, SKU_PREFIX)");
        };
    }

    private static Pattern pattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("value-pattern '" + regex + "' is not a regular expression");
        }
    }

    private static IllegalArgumentException missing(String type, String field) {
        return new IllegalArgumentException(type + " condition needs '" + field + "'");
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String what) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }
}
