package io.customerflow.store.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.ShopRedactRequested;

/** Runs within a poll, and the rows a poll may touch: what decides whether two polls may apply side by side. */
class EventRunsTest {

    static final OffsetDateTime T0 = OffsetDateTime.parse("2026-11-20T10:00:00Z");
    static final String SHOP = "runs.myshopify.com";

    @Test
    void distinctCustomersAreOneRunAndARepeatedCustomerStartsAnother() {
        var runs = EventRuns.of(List.of(confirmed("b1", "a@example.com"), confirmed("b2", "b@example.com"),
                confirmed("b3", "A@Example.com")));
        assertEquals(List.of(2, 1), runs.stream().map(r -> r.events().size()).toList());
    }

    @Test
    void pollsOfOtherCustomersAndBookingsTouchOtherRows() {
        Set<String> first = EventRuns.rowsTouched(List.of(confirmed("b1", "a@example.com"))).orElseThrow();
        Set<String> other = EventRuns.rowsTouched(List.of(confirmed("b2", "b@example.com"))).orElseThrow();
        assertTrue(Collections.disjoint(first, other));
        // The same customer under another booking, or the same booking under another customer, is not apart.
        assertFalse(Collections.disjoint(first,
                EventRuns.rowsTouched(List.of(confirmed("b3", " A@example.com"))).orElseThrow()));
        assertFalse(Collections.disjoint(first,
                EventRuns.rowsTouched(List.of(confirmed("b1", "c@example.com"))).orElseThrow()));
    }

    @Test
    void aPollWithAPrivacyRequestMayTouchAnyRow() {
        var redact = new EventRecord<>("customer-events.v1", SHOP, new CloudEvent("redact-1",
                EventType.SHOP_REDACT_REQUESTED, "/test", null, T0), new ShopRedactRequested(SHOP, 1L, T0));
        assertTrue(EventRuns.rowsTouched(List.of(confirmed("b1", "a@example.com"), redact)).isEmpty());
    }

    private static EventRecord<BookingEvent> confirmed(String bookingId, String email) {
        var b = new BookingEvent(bookingId, BookingChannel.INSTANT, SHOP, new Customer(null, email, "A", "B", null,
                null), null, null, null, null, List.of(), T0);
        return new EventRecord<>("customer-events.v1", SHOP + "/" + email, new CloudEvent(bookingId,
                EventType.BOOKING_CONFIRMED, "/test", null, T0), b);
    }
}
