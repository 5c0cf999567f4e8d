package io.customerflow.tagging.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.tagging.config.TaggingConfig;

/** The configured rules, compiled and validated once. A bad rule fails with a message naming it. */
public final class Rules {

    public enum Trigger {
        ORDER_CREATED(EventType.ORDER_CREATED), ORDER_CANCELLED(EventType.ORDER_CANCELLED),
        BOOKING_CONFIRMED(EventType.BOOKING_CONFIRMED), BOOKING_RESCHEDULED(EventType.BOOKING_RESCHEDULED),
        BOOKING_CANCELLED(EventType.BOOKING_CANCELLED), BOOKING_COMPLETED(EventType.BOOKING_COMPLETED),
        BOOKING_NO_SHOW(EventType.BOOKING_NO_SHOW);

        final EventType eventType;

        Trigger(EventType eventType) {
            this.eventType = eventType;
        }

        /** A booking step (on {@code customer-events.v1}) rather than an order event (on {@code orders.v1}). */
        public boolean onBookingStep() {
            return eventType.isBookingStep();
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

    /**
     * A compiled rule: on an order trigger, fires when any/all conditions hold for some line item; on a booking-step
     * trigger, fires for a booking of one of its channels.
     */
    public record Rule(String name, Trigger trigger, boolean all, List<Condition> conditions, List<Action> actions,
            Set<BookingChannel> channels) {

        public boolean firesOn(EventType type) {
            return trigger.eventType == type;
        }

        /** Whether this booking-step rule fires for the booking. */
        public boolean matches(BookingEvent booking) {
            return channels.contains(booking.channel());
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

    /**
     * @throws IllegalArgumentException naming the first bad rule (its name and index) and the offending field, e.g.
     *         {@code tagging rule 'x' (tagging.rules[2]) is invalid: tagging.rules[2].conditions[0].tag is required ...}
     */
    public static List<Rule> compile(List<TaggingConfig.Rule> configured) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            TaggingConfig.Rule r = configured.get(i);
            String name = r.name() == null || r.name().isBlank() ? "#" + i : r.name();
            String at = "tagging.rules[" + i + "]";
            try {
                Rule rule = compile(name, at, r);
                if (r.enabled()) {
                    rules.add(rule);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tagging rule '" + name + "' (" + at + ") is invalid: "
                        + e.getMessage(), e);
            }
        }
        return List.copyOf(rules);
    }

    private static Rule compile(String name, String at, TaggingConfig.Rule r) {
        Trigger trigger = enumValue(Trigger.class, r.trigger(), at + ".trigger");
        String match = r.match().trim().toUpperCase(Locale.ROOT);
        if (!match.equals("ANY") && !match.equals("ALL")) {
            throw new IllegalArgumentException(at + ".match must be ANY or ALL, not '" + r.match() + "'");
        }
        Set<BookingChannel> channels = channels(at, trigger, r);
        if (trigger.onBookingStep() && !r.conditions().isEmpty()) {
            throw new IllegalArgumentException(at + ".conditions: a " + trigger + " rule has no line items to match;"
                    + " narrow it with " + at + ".channels. What makes a line item a booking is ingest's to decide"
                    + " (ingest.booking.mark-properties, ingest.booking.product-tags, .product-ids, .sku-prefixes)");
        }
        if (!trigger.onBookingStep() && r.conditions().isEmpty()) {
            throw new IllegalArgumentException(at + ".conditions is empty: a rule needs at least one condition");
        }
        if (r.actions().isEmpty()) {
            throw new IllegalArgumentException(at + ".actions is empty: a rule needs at least one action");
        }
        List<Condition> conditions = new ArrayList<>();
        for (int j = 0; j < r.conditions().size(); j++) {
            conditions.add(condition(at + ".conditions[" + j + "]", r.conditions().get(j)));
        }
        List<Action> actions = new ArrayList<>();
        for (int j = 0; j < r.actions().size(); j++) {
            TaggingConfig.Action a = r.actions().get(j);
            String actionAt = at + ".actions[" + j + "]";
            ActionType type = enumValue(ActionType.class, a.type(), actionAt + ".type");
            if (a.tags().isEmpty() || a.tags().stream().anyMatch(t -> t.isBlank() || t.length() > 255 || t.contains(","))) {
                throw new IllegalArgumentException(actionAt + ".tags " + a.tags() + ": " + type
                        + " needs tags that are non-blank, at most 255 characters, without commas");
            }
            actions.add(new Action(type, List.copyOf(a.tags())));
        }
        return new Rule(name, trigger, match.equals("ALL"), List.copyOf(conditions), List.copyOf(actions), channels);
    }

    private static Set<BookingChannel> channels(String at, Trigger trigger, TaggingConfig.Rule r) {
        if (r.channels().isEmpty()) {
            return Set.of(BookingChannel.values());
        }
        if (!trigger.onBookingStep()) {
            throw new IllegalArgumentException(at + ".channels: only booking-step triggers have channels (an order"
                    + " is always a checkout)");
        }
        Set<BookingChannel> channels = java.util.EnumSet.noneOf(BookingChannel.class);
        for (String c : r.channels().get()) {
            channels.add(enumValue(BookingChannel.class, c, at + ".channels"));
        }
        return Set.copyOf(channels);
    }

    private static Condition condition(String at, TaggingConfig.Condition c) {
        String type = c.type().trim().toUpperCase(Locale.ROOT);
        return switch (type) {
            case "LINE_ITEM_PROPERTY" -> new PropertyCondition(
                    c.property().filter(p -> !p.isBlank()).orElseThrow(() -> missing(at, type, "property")),
                    c.valuePattern().map(regex -> pattern(at, regex)).orElse(null));
            case "PRODUCT_TAG" -> new ProductTagCondition(
                    c.tag().filter(t -> !t.isBlank()).orElseThrow(() -> missing(at, type, "tag")));
            case "PRODUCT_ID" -> new ProductIdCondition(Set.copyOf(
                    c.productIds().filter(ids -> !ids.isEmpty()).orElseThrow(() -> missing(at, type, "product-ids"))));
            case "SKU_PREFIX" -> new SkuPrefixCondition(
                    c.prefix().filter(p -> !p.isBlank()).orElseThrow(() -> missing(at, type, "prefix")));
            default -> throw new IllegalArgumentException(at + ".type '" + c.type()
                    + "' is not one of [LINE_ITEM_PROPERTY, PRODUCT_TAG, PRODUCT_ID, SKU_PREFIX]");
        };
    }

    private static Pattern pattern(String at, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(at + ".value-pattern '" + regex + "' is not a regular expression");
        }
    }

    private static IllegalArgumentException missing(String at, String type, String field) {
        return new IllegalArgumentException(at + "." + field + " is required for a " + type + " condition");
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + " '" + value + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }
}
