package io.customerflow.store.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.customerflow.events.AppUninstalled;
import io.customerflow.events.CustomerDataRequested;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.Emails;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.ShopRedactRequested;
import io.customerflow.store.config.StoreConfig;
import io.customerflow.store.repository.Erasures;
import io.customerflow.store.repository.ProcessedEvents;
import io.customerflow.store.service.EventApplier.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Applies Shopify's privacy requests (customers/redact, shop/redact, customers/data_request) and the uninstalls that
 * allow a shop/redact, one per transaction
 * with its event id, exactly once. A redaction leaves one-way markers so that replayed old events never bring the
 * erased data back (see {@link BookingBatch}).
 */
@ApplicationScoped
public class PrivacyRequests {

    private final Mutiny.SessionFactory sessions;
    private final ProcessedEvents processed;
    private final Erasures erasures;
    private final DataExports exports;
    private final MeterRegistry registry;
    private final int shopEraseBatch;

    public PrivacyRequests(Mutiny.SessionFactory sessions, ProcessedEvents processed, Erasures erasures,
            DataExports exports, MeterRegistry registry, StoreConfig config) {
        this.shopEraseBatch = config.consumer().shopEraseBatch();
        this.sessions = sessions;
        this.processed = processed;
        this.erasures = erasures;
        this.exports = exports;
        this.registry = registry;
    }

    public Uni<Outcome> apply(EventRecord<?> event) {
        Uni<Void> before = event.type() == EventType.SHOP_REDACT_REQUESTED
                ? eraseInBatches(event.id(), event.dataAs(ShopRedactRequested.class).shop())
                : Uni.createFrom().voidItem();
        return before.chain(() -> applyInOneTransaction(event));
    }

    /**
     * A large shop's customers, in transactions of {@code store.consumer.shop-erase-batch}, before the request's own
     * transaction erases the rest: each stays well inside the apply timeout, and a retry (a timeout, a restart) keeps
     * what earlier batches erased. Only while this request is unprocessed and the shop's uninstall unused: a
     * shop/redact delivered again (a replay, an offset reset), even after the shop came back and left again, erases
     * nothing.
     */
    private Uni<Void> eraseInBatches(String eventId, String shop) {
        return Multi.createBy().repeating().uni(() -> sessions.openSession().chain(s -> s.withTransaction(tx ->
                        processed.isProcessed(s, eventId).chain(done -> done ? Uni.createFrom().item(false)
                                : erasures.uninstalled(s, shop))
                        .chain(due -> due ? erasures.eraseShopCustomers(s, shop, shopEraseBatch)
                                : Uni.createFrom().item(0)))
                        .eventually(s::close)))
                .whilst(erased -> erased == shopEraseBatch)
                .invoke(erased -> {
                    if (erased > 0) {
                        registry.counter("store.shop.erase.batches").increment();
                    }
                })
                .collect().last().replaceWithVoid();
    }

    private Uni<Outcome> applyInOneTransaction(EventRecord<?> event) {
        // A session of its own, never one still bound to the stream (withTransaction would reuse that: a data
        // request followed at once by a redaction of the same customer hung the redaction that way).
        return sessions.openSession().chain(s -> s.withTransaction(tx -> processed.markProcessed(s, event.id())
                .flatMap(first -> first ? effect(s, event) : Uni.createFrom().item(Outcome.DUPLICATE)))
                .eventually(s::close))
                .invoke(outcome -> registry.counter("store.events", "type", event.type().name().toLowerCase(),
                        "outcome", outcome.name().toLowerCase()).increment());
    }

    private Uni<Outcome> effect(Mutiny.Session s, EventRecord<?> event) {
        return switch (event.type()) {
            case CUSTOMER_REDACT_REQUESTED -> redact(s, event.dataAs(CustomerRedactRequested.class));
            case SHOP_REDACT_REQUESTED -> redactShop(s, event.dataAs(ShopRedactRequested.class));
            case CUSTOMER_DATA_REQUESTED -> exports.export(s, event.dataAs(CustomerDataRequested.class))
                    .replaceWith(Outcome.APPLIED);
            // The shop's data stays until its shop/redact; the uninstall is what allows that one.
            case APP_UNINSTALLED -> {
                AppUninstalled u = event.dataAs(AppUninstalled.class);
                yield erasures.markUninstalled(s, u.shop(), notLaterThanNow(u.uninstalledAt()))
                        .replaceWith(Outcome.APPLIED);
            }
            default -> throw new IllegalArgumentException(event.type() + " is not a privacy request");
        };
    }

    private Uni<Outcome> redact(Mutiny.Session s, CustomerRedactRequested r) {
        List<String> hashes = Subjects.hashes(r.shop(), r.email(), r.shopifyCustomerId());
        List<String> markers = new ArrayList<>(hashes);
        r.ordersToRedact().forEach(orderId -> markers.add(Subjects.orderHash(r.shop(), orderId)));
        OffsetDateTime at = notLaterThanNow(r.requestedAt());
        return erasures.eraseCustomer(s, r.shop(), Emails.normalize(r.email()), r.shopifyCustomerId(), hashes)
                // Orders may belong to a customer row of another identity (e.g. a guest checkout's email).
                .call(() -> erasures.eraseOrders(s, r.shop(), r.ordersToRedact()))
                .call(() -> erasures.markRedacted(s, markers, at))
                .call(() -> erasures.logRequest(s, r.shop(), "CUSTOMER", at))
                .replaceWith(Outcome.APPLIED);
    }

    /** Only for a shop that uninstalled (Shopify sends it 48 hours after): an installed shop is never erased. */
    private Uni<Outcome> redactShop(Mutiny.Session s, ShopRedactRequested r) {
        OffsetDateTime at = notLaterThanNow(r.requestedAt());
        return erasures.takeUninstalled(s, r.shop()).chain(uninstalled -> {
            if (!uninstalled) {
                return Uni.createFrom().failure(new RefusedRequestException(
                        "shop/redact for a shop whose app/uninstalled was not seen: the shop is kept"));
            }
            return erasures.eraseShop(s, r.shop())
                    .call(() -> erasures.markRedacted(s, List.of(Subjects.shopHash(r.shop())), at))
                    .call(() -> erasures.logRequest(s, r.shop(), "SHOP", at))
                    .replaceWith(Outcome.APPLIED);
        });
    }

    /**
     * A redaction time is kept as the greatest seen and hides every event before it: a time in the future (whoever
     * wrote it on the topic) would hide every later booking, so it counts as now.
     */
    static OffsetDateTime notLaterThanNow(OffsetDateTime at) {
        OffsetDateTime now = OffsetDateTime.now();
        return at == null || at.isAfter(now) ? now : at;
    }
}
