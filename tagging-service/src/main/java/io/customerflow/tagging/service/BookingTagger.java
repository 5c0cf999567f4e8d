package io.customerflow.tagging.service;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.consumer.BookingSteps;
import io.customerflow.events.AppUninstalled;
import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.FlowTriggers;
import io.customerflow.events.RecentIds;
import io.customerflow.tagging.client.ShopifyAdminClient;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.service.OrderTagger.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Booking steps ({@code customer-events.v1}) → customer tags, for both channels. A checkout customer is the order's
 * Shopify customer. An instant booker has none unless the shop opted in ({@code create-instant-customers}): then
 * they are looked up by email and, only when the shop has no such customer, created (never updated: the merchant's
 * names, tags, notes and marketing consent stay theirs), on the instant booking's confirmation whatever the rules,
 * and before any of its steps' tags. Only a confirmation creates: a later step whose booker Shopify does not know (a
 * booking id the app mistyped, a booking confirmed before the shop opted in) tags no one and creates no one. The
 * customer's lane keeps a booking's events in order, so its confirmation, when there was one, came first. Idempotent
 * per event: a redelivery finds the customer it created. A step a shop's Flow workflows use also starts them
 * ({@link FlowTriggerSender}), after its tags. A step older than the latest its booking had here ({@link BookingSteps}:
 * a no-show that arrives after the completion) tags no one, creates no one and starts no workflow.
 */
@ApplicationScoped
public class BookingTagger {

    private final List<Rules.Rule> rules;
    private final ShopifyAdminClient shopify;
    private final ShopRegistry shops;
    private final MeterRegistry metrics;
    private final RecentIds done;
    private final FlowTriggerSender flow;
    private final BookingSteps steps;

    public BookingTagger(RuleSet rules, ShopifyAdminClient shopify, ShopRegistry shops, MeterRegistry metrics,
            TaggingConfig config, FlowTriggerSender flow, BookingSteps steps) {
        this.flow = flow;
        this.steps = steps;
        this.rules = rules.enabled().stream().filter(r -> r.trigger().onBookingStep()).toList();
        this.shopify = shopify;
        this.shops = shops;
        this.metrics = metrics;
        this.done = new RecentIds(config.consumer().recentlyDone());
    }

    /**
     * The lane: the record's key, one per customer ({@code RecordKeys}: the hash of {@code EventKeys.bookingKey}); the
     * shop for an uninstall.
     */
    public static String laneOf(EventRecord<?> event) {
        if (event.data() instanceof AppUninstalled u) {
            return u.shop();
        }
        return event.key() != null ? event.key() : "";
    }

    public Uni<Outcome> handle(EventRecord<?> event) {
        if (event.type() == EventType.APP_UNINSTALLED) {
            shops.markUninstalled(event.dataAs(AppUninstalled.class).shop());
            return count(Outcome.UNINSTALLED);
        }
        if (!(event.data() instanceof BookingEvent booking)) {
            return count(Outcome.IGNORED); // privacy requests: the store's and Klaviyo's concern
        }
        if (done.contains(event.id())) {
            return count(Outcome.REPEAT);
        }
        if (steps.isOutdated(event.type(), booking)) {
            return count(Outcome.OUTDATED);
        }
        // Known as the booking's latest once Kafka holds it, before the record is acked.
        return apply(event, booking).call(() -> Uni.createFrom().completionStage(steps.record(event.type(), booking)));
    }

    private Uni<Outcome> apply(EventRecord<?> event, BookingEvent booking) {
        boolean instant = booking.channel() == BookingChannel.INSTANT;
        Optional<FlowTriggers> trigger = flow.wanted(event, booking);
        if (instant && !shops.createsInstantCustomers(booking.shop())) {
            // No Shopify customer to tag, nor to reference in a Flow trigger.
            trigger.ifPresent(t -> flow.send(event, booking, t, null));
            return count(Outcome.NOT_IN_SHOPIFY);
        }
        List<Rules.Rule> matched = rules.stream().filter(r -> r.firesOn(event.type()) && r.matches(booking)).toList();
        matched.forEach(r -> metrics.counter("tagging.rule.matches", "rule", r.name()).increment());
        boolean ensureCustomer = instant && event.type() == EventType.BOOKING_CONFIRMED;
        if (matched.isEmpty() && !ensureCustomer && trigger.isEmpty()) {
            return count(Outcome.NO_MATCH);
        }
        return customerGid(booking, ensureCustomer).flatMap(gid -> {
            Uni<Void> flowTrigger = trigger.isEmpty() ? Uni.createFrom().voidItem()
                    : flow.send(event, booking, trigger.get(), gid);
            if (gid == null) {
                return flowTrigger.replaceWith(Outcome.NO_CUSTOMER).invoke(this::counted);
            }
            String orderGid = booking.order() == null ? null : "gid://shopify/Order/" + booking.order().id();
            // Tags first, then the trigger: a workflow that reads the customer's tags sees this step's.
            return TagCalls.apply(shopify, booking.shop(), TagCalls.of(shops, booking.shop(), gid, orderGid, matched))
                    .call(() -> flowTrigger).invoke(() -> done.add(event.id())).replaceWith(Outcome.TAGGED)
                    .invoke(this::counted);
        });
    }

    /** The Shopify customer of the booking: its id, else found by email, else (when {@code create}) created. */
    private Uni<String> customerGid(BookingEvent booking, boolean create) {
        var c = booking.customer();
        if (c != null && c.shopifyId() != null) {
            return Uni.createFrom().item("gid://shopify/Customer/" + c.shopifyId());
        }
        String email = c == null || c.email() == null || c.email().isBlank() ? null : c.email().trim();
        if (email == null) {
            return Uni.createFrom().nullItem();
        }
        return shopify.customerIdByEmail(booking.shop(), email).flatMap(found -> {
            if (found != null || !create) {
                return Uni.createFrom().item(found);
            }
            return shopify.customerCreate(booking.shop(), email, c.firstName(), c.lastName(), c.locale())
                    .invoke(created -> metrics.counter("tagging.customers.created").increment())
                    // Created meanwhile (a checkout, the merchant, a retry of ours that did land): that one it is.
                    .onFailure(ShopifyAdminClient.EmailTaken.class)
                    .recoverWithUni(() -> shopify.customerIdByEmail(booking.shop(), email));
        });
    }

    private Uni<Outcome> count(Outcome outcome) {
        counted(outcome);
        return Uni.createFrom().item(outcome);
    }

    private void counted(Outcome outcome) {
        metrics.counter("tagging.events", "outcome", outcome.name().toLowerCase()).increment();
    }

}
