package io.customerflow.store.service;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.Emails;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.store.repository.BookingWrites;
import io.customerflow.store.repository.BookingWrites.BookingRow;
import io.customerflow.store.repository.BookingWrites.CustomerRow;
import io.customerflow.store.repository.BookingWrites.Upserted;
import io.customerflow.store.service.EventApplier.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Applies a run of booking events (and events the store ignores) in one transaction, exactly once: the event ids
 * and the effects commit together, so a redelivered event finds its id and changes nothing. Each step is one
 * pipelined statement per event ({@link BookingWrites}), so a poll of 500 events costs a handful of round trips and
 * one commit instead of 500 of each.
 * <p>
 * The steps run for all events at once, so the caller hands over runs in which no customer and no booking appears
 * twice ({@link EventRuns}): then no event of the run can see another's effect, and the result is the one applying
 * them one by one gives. Booking events converge whatever order they arrive in (Shopify doesn't guarantee webhook
 * order): see {@code BookingWrites.NEWER}.
 */
@ApplicationScoped
public class BookingBatch {

    /** "Redacted at any time": earlier than any event. */
    private static final OffsetDateTime EVER = OffsetDateTime.parse("1970-01-01T00:00:00Z");

    private final BookingWrites writes;
    private final MeterRegistry registry;

    public BookingBatch(BookingWrites writes, MeterRegistry registry) {
        this.writes = writes;
        this.registry = registry;
    }

    /** Whether this class applies events of the type (the others are privacy requests: {@link EventApplier}). */
    public static boolean handles(EventType type) {
        return type != EventType.CUSTOMER_REDACT_REQUESTED && type != EventType.SHOP_REDACT_REQUESTED
                && type != EventType.CUSTOMER_DATA_REQUESTED && type != EventType.APP_UNINSTALLED;
    }

    public Uni<List<Outcome>> apply(List<EventRecord<?>> events) {
        return writes.inTransaction(c -> new Run(c, events).apply())
                .invoke(outcomes -> {
                    registry.summary("store.transaction.events").record(events.size());
                    // Counted per kind, not per event: a poll is thousands of events of a few kinds.
                    Map<String, Integer> counts = new HashMap<>();
                    for (int i = 0; i < events.size(); i++) {
                        counts.merge(events.get(i).type().name() + "|" + outcomes.get(i).name(), 1, Integer::sum);
                    }
                    counts.forEach((kind, n) -> {
                        String[] typeAndOutcome = kind.toLowerCase().split("\\|");
                        registry.counter("store.events", "type", typeAndOutcome[0], "outcome", typeAndOutcome[1])
                                .increment(n);
                    });
                });
    }

    /** One transaction's work: the events' outcomes, filled in step by step. */
    private final class Run {
        private final Mutiny.Session c;
        private final List<EventRecord<?>> events;
        private final Outcome[] outcomes;
        /** Indexes of the events still to apply at the current step, and their bookings. */
        private final List<Integer> confirms = new ArrayList<>();
        private final List<Integer> statuses = new ArrayList<>();

        Run(Mutiny.Session c, List<EventRecord<?>> events) {
            this.c = c;
            this.events = events;
            this.outcomes = new Outcome[events.size()];
        }

        Uni<List<Outcome>> apply() {
            return writes.markProcessed(c, events.stream().map(EventRecord::id).toList())
                    .invoke(this::sortNew)
                    .chain(() -> setKnownStatuses())
                    .chain(() -> withCustomers())
                    .map(x -> List.of(outcomes));
        }

        private void sortNew(List<Boolean> first) {
            for (int i = 0; i < events.size(); i++) {
                EventType type = events.get(i).type();
                if (!first.get(i)) {
                    outcomes[i] = Outcome.DUPLICATE;
                } else if (type == EventType.BOOKING_CONFIRMED) {
                    confirms.add(i);
                } else if (type.isBookingStep()) {
                    statuses.add(i); // rescheduled, cancelled, completed, no-show
                } else {
                    outcomes[i] = Outcome.IGNORED; // orders: the bookings they carry come as booking events
                }
            }
        }

        /** A cancel or reschedule of a known booking is done here; the unknown ones go on with their customer. */
        private Uni<Void> setKnownStatuses() {
            return writes.setBookingStatuses(c, rows(statuses), statusNames(statuses)).invoke(known -> {
                List<Integer> unknown = new ArrayList<>();
                for (int k = 0; k < statuses.size(); k++) {
                    if (known.get(k)) {
                        outcomes[statuses.get(k)] = Outcome.APPLIED;
                    } else {
                        unknown.add(statuses.get(k));
                    }
                }
                statuses.clear();
                statuses.addAll(unknown);
            }).replaceWithVoid();
        }

        /**
         * Confirmations, and statuses whose confirmation hasn't arrived yet, need their customer: upserted unless it
         * can't be identified or was redacted (customer, order or shop) since the event (a confirmation) or ever (an
         * early status: the booking may be one the redaction erased, and a status must not recreate its customer).
         */
        private Uni<Void> withCustomers() {
            List<Integer> candidates = new ArrayList<>();
            List<List<String>> hashes = new ArrayList<>();
            List<OffsetDateTime> since = new ArrayList<>();
            for (int i : concat(confirms, statuses)) {
                BookingEvent b = booking(i);
                var customer = b.customer();
                if (Subjects.customerKey(customer == null ? null : customer.email(),
                        customer == null ? null : customer.shopifyId()) == null) {
                    outcomes[i] = Outcome.SKIPPED_UNIDENTIFIED;
                    continue;
                }
                candidates.add(i);
                hashes.add(redactionHashes(b));
                since.add(isConfirmation(i) ? b.occurredAt() : EVER);
            }
            return writes.redactedSince(c, hashes, since).chain(redacted -> {
                List<Integer> kept = new ArrayList<>();
                for (int k = 0; k < candidates.size(); k++) {
                    if (redacted.get(k)) {
                        outcomes[candidates.get(k)] = Outcome.SKIPPED_REDACTED;
                    } else {
                        kept.add(candidates.get(k));
                    }
                }
                return writes.upsertCustomers(c, kept.stream().map(i -> customerRow(booking(i))).toList(),
                        kept.stream().map(i -> isConfirmation(i) ? row(booking(i)) : null).toList())
                        .chain(customers -> bookings(kept, customers));
            });
        }

        private Uni<Void> bookings(List<Integer> kept, List<Upserted> customers) {
            List<Integer> confirmed = new ArrayList<>();
            List<Upserted> confirmedCustomers = new ArrayList<>();
            List<Integer> early = new ArrayList<>();
            List<Long> earlyCustomers = new ArrayList<>();
            for (int k = 0; k < kept.size(); k++) {
                int i = kept.get(k);
                outcomes[i] = Outcome.APPLIED;
                if (isConfirmation(i)) {
                    confirmed.add(i);
                    confirmedCustomers.add(customers.get(k));
                } else {
                    early.add(i);
                    earlyCustomers.add(customers.get(k).id());
                }
            }
            return writes.statusesBeforeConfirmation(c, earlyCustomers, rows(early), statusNames(early))
                    .chain(() -> writes.confirmBookings(c, confirmedCustomers.stream().map(Upserted::id).toList(),
                            rows(confirmed)))
                    .chain(owners -> {
                        // Only bookings confirmed now are counted, on the customer their row belongs to. A new
                        // customer's row counted its booking when inserted: right unless the booking went elsewhere.
                        List<Long> counted = new ArrayList<>();
                        List<BookingRow> countedRows = new ArrayList<>();
                        List<Long> uncounted = new ArrayList<>();
                        for (int k = 0; k < confirmed.size(); k++) {
                            Upserted customer = confirmedCustomers.get(k);
                            Long owner = owners.get(k);
                            boolean countedAlready = customer.inserted() && owner != null && owner == customer.id();
                            if (customer.inserted() && !countedAlready) {
                                uncounted.add(customer.id());
                            }
                            if (owner != null && !countedAlready) {
                                counted.add(owner);
                                countedRows.add(row(booking(confirmed.get(k))));
                            }
                        }
                        return writes.uncount(c, uncounted).chain(() -> writes.countBookings(c, counted, countedRows));
                    });
        }

        private boolean isConfirmation(int i) {
            return events.get(i).type() == EventType.BOOKING_CONFIRMED;
        }

        private BookingEvent booking(int i) {
            return events.get(i).dataAs(BookingEvent.class);
        }

        private List<BookingRow> rows(List<Integer> indexes) {
            return indexes.stream().map(i -> row(booking(i))).toList();
        }

        private List<String> statusNames(List<Integer> indexes) {
            return indexes.stream().map(i -> status(events.get(i).type())).toList();
        }
    }

    /** The booking's status after a step other than its confirmation. */
    static String status(EventType step) {
        return switch (step) {
            case BOOKING_RESCHEDULED -> "RESCHEDULED";
            case BOOKING_CANCELLED -> "CANCELLED";
            case BOOKING_COMPLETED -> "COMPLETED";
            case BOOKING_NO_SHOW -> "NO_SHOW";
            default -> throw new IllegalArgumentException("not a status step: " + step);
        };
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        List<Integer> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> redactionHashes(BookingEvent b) {
        var c = b.customer();
        List<String> hashes = new ArrayList<>(Subjects.hashes(b.shop(), c.email(), c.shopifyId()));
        hashes.add(Subjects.shopHash(b.shop()));
        if (b.order() != null) {
            hashes.add(Subjects.orderHash(b.shop(), b.order().id()));
        }
        return hashes;
    }

    private static CustomerRow customerRow(BookingEvent b) {
        var c = b.customer();
        String email = c.email();
        return new CustomerRow(b.shop(), Subjects.customerKey(email, c.shopifyId()),
                blankToNull(email == null ? null : email.trim()), Emails.normalize(email), blankToNull(c.firstName()),
                blankToNull(c.lastName()), c.shopifyId());
    }

    static BookingRow row(BookingEvent b) {
        Long orderId = b.order() == null ? null : b.order().id();
        return new BookingRow(b.shop(), b.bookingId(), b.channel().name(), orderId, b.occurredAt());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
