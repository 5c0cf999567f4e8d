package io.customerflow.store.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;

/**
 * Cuts a poll's events, in their order, into runs that {@link BookingBatch} can apply at once: a run ends before an
 * event whose customer or booking it already holds, and a privacy request (which erases what came before it) is a
 * run of its own. A poll of distinct customers' bookings is one run, one transaction.
 */
public final class EventRuns {

    private EventRuns() {
    }

    /** A run: booking events for {@link BookingBatch}, or one privacy request for {@link PrivacyRequests}. */
    public record Run(List<EventRecord<?>> events, boolean privacy) {
    }

    public static List<Run> of(List<EventRecord<?>> events) {
        List<Run> runs = new ArrayList<>();
        List<EventRecord<?>> current = new ArrayList<>();
        Set<String> held = new HashSet<>();
        for (EventRecord<?> event : events) {
            if (!BookingBatch.handles(event.type())) {
                close(runs, current, held);
                runs.add(new Run(List.of(event), true));
                continue;
            }
            List<String> keys = keys(event);
            if (keys.stream().anyMatch(held::contains)) {
                close(runs, current, held);
            }
            current.add(event);
            held.addAll(keys);
        }
        close(runs, current, held);
        return runs;
    }

    /**
     * The rows the events may touch, to tell whether two polls can apply at the same time; empty when one of them is
     * a privacy request, which may erase any row of its shop.
     */
    public static Optional<Set<String>> rowsTouched(List<EventRecord<?>> events) {
        Set<String> rows = new HashSet<>();
        for (EventRecord<?> event : events) {
            if (!BookingBatch.handles(event.type())) {
                return Optional.empty();
            }
            rows.addAll(keys(event));
        }
        return Optional.of(rows);
    }

    private static void close(List<Run> runs, List<EventRecord<?>> current, Set<String> held) {
        if (!current.isEmpty()) {
            runs.add(new Run(List.copyOf(current), false));
            current.clear();
            held.clear();
        }
    }

    /** The rows an event may touch: its customer and its booking (and its id, so a repeat starts a new run too). */
    private static List<String> keys(EventRecord<?> event) {
        List<String> keys = new ArrayList<>(3);
        keys.add("event\n" + event.id());
        EventType type = event.type();
        if (type.isBookingStep()) {
            BookingEvent b = event.dataAs(BookingEvent.class);
            keys.add("booking\n" + b.shop() + "\n" + b.bookingId());
            var c = b.customer();
            String customer = c == null ? null : Subjects.customerKey(c.email(), c.shopifyId());
            if (customer != null) {
                keys.add("customer\n" + b.shop() + "\n" + customer);
            }
        }
        return keys;
    }
}
