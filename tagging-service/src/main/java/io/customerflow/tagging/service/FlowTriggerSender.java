package io.customerflow.tagging.service;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventRecord;
import io.customerflow.events.FlowTriggers;
import io.customerflow.tagging.client.ShopifyAdminClient;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.repository.SentFlowTriggers;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Sends a booking step's Shopify Flow trigger ({@link FlowTriggers}), once per event, to a shop with an enabled
 * workflow using it, paced in the shop's cost bucket beside its tags. Never for a historical step (a backfill must
 * not start workflows) or one older than the marks are kept ({@code tagging.flow.sent-retention}), nor without a
 * Shopify customer (every trigger declares a {@code customer_reference}, the
 * object a merchant's actions act on: an instant booker of a shop that doesn't keep instant bookers as customers has
 * none). Steps of a redacted person never get here ({@code EventsConsumer} drops them first).
 */
@ApplicationScoped
public class FlowTriggerSender {

    private final boolean enabled;
    private final java.time.Duration retention;
    private final ShopRegistry shops;
    private final ShopifyAdminClient shopify;
    private final Instance<SentFlowTriggers> sent;
    private final MeterRegistry metrics;

    /** @param sent made only when sending is on: with it off, tagging neither creates nor reads the marks' topic */
    public FlowTriggerSender(TaggingConfig config, ShopRegistry shops, ShopifyAdminClient shopify,
            Instance<SentFlowTriggers> sent, MeterRegistry metrics) {
        this.enabled = config.flow().enabled();
        this.retention = config.flow().sentRetention();
        this.shops = shops;
        this.shopify = shopify;
        this.sent = sent;
        this.metrics = metrics;
        if (enabled) {
            sent.get(); // read whole before the first step
        }
    }

    /** The trigger this step would start in the shop, if the shop uses it and the step may start workflows. */
    public Optional<FlowTriggers> wanted(EventRecord<?> event, BookingEvent booking) {
        if (!enabled || booking.markedHistorical()) {
            return Optional.empty();
        }
        Optional<FlowTriggers> trigger = FlowTriggers.of(event.type())
                .filter(t -> shops.usesFlowTrigger(booking.shop(), t.handle()));
        if (trigger.isPresent() && booking.occurredAt() != null
                && booking.occurredAt().toInstant().isBefore(Instant.now().minus(retention))) {
            // Older than the marks are kept: an event published again (an order updated weeks after its booking)
            // could no longer be told from a first one.
            count(trigger.get(), "stale");
            return Optional.empty();
        }
        return trigger.filter(t -> !sent.get().contains(booking.shop(), event.id()));
    }

    /** Sends the trigger for the customer of {@code customerGid} (null: none in Shopify, nothing sent), then marks it. */
    public Uni<Void> send(EventRecord<?> event, BookingEvent booking, FlowTriggers trigger, String customerGid) {
        if (customerGid == null) {
            count(trigger, "no-customer");
            return Uni.createFrom().voidItem();
        }
        SentFlowTriggers marks = sent.get();
        return shopify.flowTriggerReceive(booking.shop(), trigger.handle(), FlowTriggerPayloads.of(booking, customerGid))
                .onFailure().invoke(f -> {
                    count(trigger, "failed");
                    marks.recordFailure(event.id(), booking.shop(), trigger.handle());
                })
                .invoke(() -> count(trigger, "sent"))
                // Sent: a mark Kafka doesn't take must not fail the step (a dead letter's replay would send it again).
                .call(() -> Uni.createFrom().completionStage(marks.record(event.id(), booking.shop(), trigger.handle()))
                        .onFailure().invoke(f -> Log.warnf("the mark of a sent Flow trigger (%s) was not written: %s",
                                trigger.handle(), f.getMessage()))
                        .onFailure().recoverWithNull());
    }

    private void count(FlowTriggers trigger, String outcome) {
        metrics.counter("tagging.flow.triggers", "trigger", trigger.handle(), "outcome", outcome).increment();
    }
}
