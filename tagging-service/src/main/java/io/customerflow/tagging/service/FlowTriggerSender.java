package io.customerflow.tagging.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventRecord;
import io.customerflow.events.FlowTriggers;
import io.customerflow.tagging.client.ShopifyAdminClient;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.repository.SentFlowTriggers;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Sends a booking step's Shopify Flow trigger ({@link FlowTriggers}), once per event, to a shop with an enabled
 * workflow using it, paced in the shop's cost bucket beside its tags. Never for a historical step (a backfill must
 * not start workflows), nor without a Shopify customer (every trigger declares a {@code customer_reference}, the
 * object a merchant's actions act on: an instant booker of a shop that doesn't keep instant bookers as customers has
 * none). Steps of a redacted person never get here ({@code EventsConsumer} drops them first).
 */
@ApplicationScoped
public class FlowTriggerSender {

    private final boolean enabled;
    private final ShopRegistry shops;
    private final ShopifyAdminClient shopify;
    private final SentFlowTriggers sent;
    private final MeterRegistry metrics;

    public FlowTriggerSender(TaggingConfig config, ShopRegistry shops, ShopifyAdminClient shopify,
            SentFlowTriggers sent, MeterRegistry metrics) {
        this.enabled = config.flow().enabled();
        this.shops = shops;
        this.shopify = shopify;
        this.sent = sent;
        this.metrics = metrics;
    }

    /** The trigger this step would start in the shop, if the shop uses it and the step may start workflows. */
    public Optional<FlowTriggers> wanted(EventRecord<?> event, BookingEvent booking) {
        if (!enabled || booking.markedHistorical()) {
            return Optional.empty();
        }
        return FlowTriggers.of(event.type()).filter(t -> shops.usesFlowTrigger(booking.shop(), t.handle()))
                .filter(t -> !sent.contains(event.id()));
    }

    /** Sends the trigger for the customer of {@code customerGid} (null: none in Shopify, nothing sent), then marks it. */
    public Uni<Void> send(EventRecord<?> event, BookingEvent booking, FlowTriggers trigger, String customerGid) {
        if (customerGid == null) {
            count(trigger, "no-customer");
            return Uni.createFrom().voidItem();
        }
        return shopify.flowTriggerReceive(booking.shop(), trigger.handle(), FlowTriggerPayloads.of(booking, customerGid))
                .onFailure().invoke(f -> {
                    count(trigger, "failed");
                    sent.recordFailure(event.id(), booking.shop(), trigger.handle());
                })
                .call(() -> Uni.createFrom().completionStage(sent.record(event.id(), booking.shop(), trigger.handle())))
                .invoke(() -> count(trigger, "sent"));
    }

    private void count(FlowTriggers trigger, String outcome) {
        metrics.counter("tagging.flow.triggers", "trigger", trigger.handle(), "outcome", outcome).increment();
    }
}
