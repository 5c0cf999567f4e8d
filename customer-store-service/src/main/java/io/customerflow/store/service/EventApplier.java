package io.customerflow.store.service;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.CustomerDataRequested;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.Emails;
import io.customerflow.events.EventRecord;
import io.customerflow.events.ShopRedactRequested;
import io.customerflow.store.repository.EventStore;
import io.customerflow.store.repository.EventStore.BookingRow;
import io.customerflow.store.repository.EventStore.CustomerRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Applies one event to the store, exactly once: the event id and the effect commit in one transaction, so a
 * redelivered event finds its id and changes nothing.
 */
@ApplicationScoped
public class EventApplier {

    /** What applying an event did, for metrics and tests. */
    public enum Outcome {
        APPLIED, DUPLICATE, SKIPPED_REDACTED, SKIPPED_UNIDENTIFIED, SKIPPED_UNKNOWN_BOOKING, IGNORED
    }

    private final Mutiny.SessionFactory sessions;
    private final EventStore store;
    private final DataExports exports;
    private final MeterRegistry registry;

    public EventApplier(Mutiny.SessionFactory sessions, EventStore store, DataExports exports,
            MeterRegistry registry) {
        this.sessions = sessions;
        this.store = store;
        this.exports = exports;
        this.registry = registry;
    }

    public Uni<Outcome> apply(EventRecord<?> event) {
        return sessions.withTransaction((s, tx) -> store.markProcessed(s, event.id())
                .flatMap(first -> first ? effect(s, event) : Uni.createFrom().item(Outcome.DUPLICATE)))
                .invoke(outcome -> registry.counter("store.events", "type", event.type().name().toLowerCase(),
                        "outcome", outcome.name().toLowerCase()).increment());
    }

    private Uni<Outcome> effect(Mutiny.Session s, EventRecord<?> event) {
        return switch (event.type()) {
            case BOOKING_CONFIRMED -> confirmed(s, event.dataAs(BookingEvent.class));
            case BOOKING_RESCHEDULED -> status(s, event.dataAs(BookingEvent.class), "RESCHEDULED");
            case BOOKING_CANCELLED -> status(s, event.dataAs(BookingEvent.class), "CANCELLED");
            case CUSTOMER_REDACT_REQUESTED -> redact(s, event.dataAs(CustomerRedactRequested.class));
            case SHOP_REDACT_REQUESTED -> redactShop(s, event.dataAs(ShopRedactRequested.class));
            case CUSTOMER_DATA_REQUESTED -> exports.export(s, event.dataAs(CustomerDataRequested.class))
                    .replaceWith(Outcome.APPLIED);
            // Orders and uninstalls change nothing here: data stays until shop/redact.
            default -> Uni.createFrom().item(Outcome.IGNORED);
        };
    }

    private Uni<Outcome> confirmed(Mutiny.Session s, BookingEvent b) {
        var c = b.customer();
        Long shopifyId = c == null ? null : c.shopifyId();
        String email = c == null ? null : c.email();
        String key = Subjects.customerKey(email, shopifyId);
        if (key == null) {
            return Uni.createFrom().item(Outcome.SKIPPED_UNIDENTIFIED);
        }
        List<String> hashes = new java.util.ArrayList<>(Subjects.hashes(b.shop(), email, shopifyId));
        hashes.add(Subjects.shopHash(b.shop()));
        OffsetDateTime at = b.occurredAt();
        return store.redactedSince(s, hashes, at).flatMap(redacted -> {
            if (redacted) {
                return Uni.createFrom().item(Outcome.SKIPPED_REDACTED);
            }
            var row = new CustomerRow(b.shop(), key, blankToNull(email == null ? null : email.trim()), Emails.normalize(email),
                    blankToNull(c.firstName()), blankToNull(c.lastName()), shopifyId);
            Long orderId = b.order() == null ? null : b.order().id();
            return store.upsertCustomer(s, row)
                    .flatMap(id -> store.addBooking(s, id, new BookingRow(b.shop(), b.bookingId(), b.channel().name(),
                            orderId, at)))
                    .replaceWith(Outcome.APPLIED);
        });
    }

    private Uni<Outcome> status(Mutiny.Session s, BookingEvent b, String status) {
        return store.setBookingStatus(s, b.shop(), b.bookingId(), status, b.occurredAt())
                .map(found -> found ? Outcome.APPLIED : Outcome.SKIPPED_UNKNOWN_BOOKING);
    }

    private Uni<Outcome> redact(Mutiny.Session s, CustomerRedactRequested r) {
        List<String> hashes = Subjects.hashes(r.shop(), r.email(), r.shopifyCustomerId());
        OffsetDateTime at = r.requestedAt();
        return store.eraseCustomer(s, r.shop(), Emails.normalize(r.email()), r.shopifyCustomerId(), hashes)
                .call(() -> store.markRedacted(s, hashes, at))
                .replaceWith(Outcome.APPLIED);
    }

    private Uni<Outcome> redactShop(Mutiny.Session s, ShopRedactRequested r) {
        return store.eraseShop(s, r.shop())
                .call(() -> store.markRedacted(s, List.of(Subjects.shopHash(r.shop())), r.requestedAt()))
                .replaceWith(Outcome.APPLIED);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
