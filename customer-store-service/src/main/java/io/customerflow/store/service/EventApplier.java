package io.customerflow.store.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.CustomerDataRequested;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.Emails;
import io.customerflow.events.EventRecord;
import io.customerflow.events.ShopRedactRequested;
import io.customerflow.store.repository.Erasures;
import io.customerflow.store.repository.StoreWrites;
import io.customerflow.store.repository.StoreWrites.BookingRow;
import io.customerflow.store.repository.StoreWrites.CustomerRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Applies one event to the store, exactly once: the event id and the effect commit in one transaction, so a
 * redelivered event finds its id and changes nothing. Booking events converge whatever order they arrive in
 * (Shopify doesn't guarantee webhook order): see {@link StoreWrites#NEWER}.
 */
@ApplicationScoped
public class EventApplier {

    /** What applying an event did, for metrics and tests. */
    public enum Outcome {
        APPLIED, DUPLICATE, SKIPPED_REDACTED, SKIPPED_UNIDENTIFIED, IGNORED
    }

    private final Mutiny.SessionFactory sessions;
    private final StoreWrites store;
    private final Erasures erasures;
    private final DataExports exports;
    private final MeterRegistry registry;

    public EventApplier(Mutiny.SessionFactory sessions, StoreWrites store, Erasures erasures, DataExports exports,
            MeterRegistry registry) {
        this.sessions = sessions;
        this.store = store;
        this.erasures = erasures;
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
        return withCustomer(s, b, b.occurredAt(), customerId -> store.confirmBooking(s, customerId, row(b)).replaceWith(Outcome.APPLIED));
    }

    /**
     * A cancel or reschedule. When its booking's confirmation hasn't arrived yet, the status is kept on a booking
     * row of the customer the event names, for the confirmation to complete. Unless that customer, order or shop
     * was ever redacted: the booking may be one the redaction erased, and a status must not recreate its customer
     * (a redacted customer's later bookings still come in through their confirmations).
     */
    private Uni<Outcome> status(Mutiny.Session s, BookingEvent b, String status) {
        return store.setBookingStatus(s, b.shop(), b.bookingId(), status, b.occurredAt())
                .flatMap(known -> known ? Uni.createFrom().item(Outcome.APPLIED)
                        : withCustomer(s, b, EVER, customerId -> store.statusBeforeConfirmation(s, customerId, row(b),
                                status).replaceWith(Outcome.APPLIED)));
    }

    /** "Redacted at any time": earlier than any event. */
    private static final OffsetDateTime EVER = OffsetDateTime.parse("1970-01-01T00:00:00Z");

    /**
     * Upserts the event's customer and runs the effect with its id, unless the customer can't be identified or
     * was redacted (customer, order or shop) at or after {@code redactedSince}: an old event must not bring them back.
     */
    private Uni<Outcome> withCustomer(Mutiny.Session s, BookingEvent b, OffsetDateTime redactedSince,
            Function<Long, Uni<Outcome>> effect) {
        var c = b.customer();
        Long shopifyId = c == null ? null : c.shopifyId();
        String email = c == null ? null : c.email();
        String key = Subjects.customerKey(email, shopifyId);
        if (key == null) {
            return Uni.createFrom().item(Outcome.SKIPPED_UNIDENTIFIED);
        }
        List<String> hashes = new ArrayList<>(Subjects.hashes(b.shop(), email, shopifyId));
        hashes.add(Subjects.shopHash(b.shop()));
        if (b.order() != null) {
            hashes.add(Subjects.orderHash(b.shop(), b.order().id()));
        }
        return erasures.redactedSince(s, hashes, redactedSince).flatMap(redacted -> {
            if (redacted) {
                return Uni.createFrom().item(Outcome.SKIPPED_REDACTED);
            }
            var row = new CustomerRow(b.shop(), key, blankToNull(email == null ? null : email.trim()),
                    Emails.normalize(email), blankToNull(c.firstName()), blankToNull(c.lastName()), shopifyId);
            return store.upsertCustomer(s, row).flatMap(id -> effect.apply(id));
        });
    }

    private static BookingRow row(BookingEvent b) {
        Long orderId = b.order() == null ? null : b.order().id();
        return new BookingRow(b.shop(), b.bookingId(), b.channel().name(), orderId, b.occurredAt());
    }

    private Uni<Outcome> redact(Mutiny.Session s, CustomerRedactRequested r) {
        List<String> hashes = Subjects.hashes(r.shop(), r.email(), r.shopifyCustomerId());
        List<String> markers = new ArrayList<>(hashes);
        r.ordersToRedact().forEach(orderId -> markers.add(Subjects.orderHash(r.shop(), orderId)));
        OffsetDateTime at = r.requestedAt();
        return erasures.eraseCustomer(s, r.shop(), Emails.normalize(r.email()), r.shopifyCustomerId(), hashes)
                // Orders may belong to a customer row of another identity (e.g. a guest checkout's email).
                .call(() -> erasures.eraseOrders(s, r.shop(), r.ordersToRedact()))
                .call(() -> erasures.markRedacted(s, markers, at))
                .replaceWith(Outcome.APPLIED);
    }

    private Uni<Outcome> redactShop(Mutiny.Session s, ShopRedactRequested r) {
        return erasures.eraseShop(s, r.shop())
                .call(() -> erasures.markRedacted(s, List.of(Subjects.shopHash(r.shop())), r.requestedAt()))
                .replaceWith(Outcome.APPLIED);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
