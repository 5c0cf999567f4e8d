package io.customerflow.store.rest;

import java.time.OffsetDateTime;
import java.util.List;

import io.customerflow.store.model.Booking;
import io.customerflow.store.model.Customer;

/** A customer as the API shows it; bookings only on the detail view. */
public record CustomerView(long id, String shop, String email, String firstName, String lastName,
        Long shopifyCustomerId, OffsetDateTime firstBookedAt, OffsetDateTime lastBookedAt, int checkoutBookings,
        int instantBookings, List<BookingView> bookings) {

    public record BookingView(String bookingId, String channel, Long shopifyOrderId, String status,
            OffsetDateTime bookedAt, OffsetDateTime updatedAt) {

        static BookingView of(Booking b) {
            return new BookingView(b.bookingId, b.channel, b.shopifyOrderId, b.status, b.bookedAt, b.updatedAt);
        }
    }

    public static CustomerView of(Customer c) {
        return new CustomerView(c.id, c.shop, c.email, c.firstName, c.lastName, c.shopifyCustomerId, c.firstBookedAt,
                c.lastBookedAt, c.checkoutBookings, c.instantBookings, null);
    }

    public static CustomerView withBookings(Customer c) {
        return new CustomerView(c.id, c.shop, c.email, c.firstName, c.lastName, c.shopifyCustomerId, c.firstBookedAt,
                c.lastBookedAt, c.checkoutBookings, c.instantBookings,
                c.bookings.stream().map(BookingView::of).toList());
    }
}
