package io.customerflow.store.repository;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * The store's writes, as single SQL statements that are safe under concurrency (upserts on unique keys, never
 * read-then-write). Every method runs in the caller's transaction.
 */
@ApplicationScoped
public class StoreWrites {

    /** Records the event id; false when it was processed before (the effect must then be skipped). */
    public Uni<Boolean> markProcessed(Mutiny.Session s, String eventId) {
        return s.createNativeQuery("insert into processed_event (event_id) values (?1) on conflict do nothing")
                .setParameter(1, eventId).executeUpdate().map(rows -> rows == 1);
    }

    /** Inserts or refreshes the customer; names and email only overwrite when the event carries them. */
    public Uni<Long> upsertCustomer(Mutiny.Session s, CustomerRow c) {
        return s.createNativeQuery("""
                insert into customer (shop, customer_key, email, email_normalized, first_name, last_name,
                                      shopify_customer_id)
                values (?1, ?2, cast(?3 as varchar), cast(?4 as varchar), cast(?5 as varchar), cast(?6 as varchar),
                        cast(?7 as bigint))
                on conflict (shop, customer_key) do update set
                    email = coalesce(excluded.email, customer.email),
                    email_normalized = coalesce(excluded.email_normalized, customer.email_normalized),
                    first_name = coalesce(excluded.first_name, customer.first_name),
                    last_name = coalesce(excluded.last_name, customer.last_name),
                    shopify_customer_id = coalesce(excluded.shopify_customer_id, customer.shopify_customer_id),
                    updated_at = now()
                returning id""", Long.class)
                .setParameter(1, c.shop()).setParameter(2, c.customerKey()).setParameter(3, c.email())
                .setParameter(4, c.emailNormalized()).setParameter(5, c.firstName()).setParameter(6, c.lastName())
                .setParameter(7, c.shopifyCustomerId())
                .getSingleResult();
    }

    /**
     * Adds the booking from its confirmation, or completes the row an earlier-arriving cancel/reschedule left
     * (booked_at still null); then counts it on its customer. False when the booking was confirmed before.
     * The status moves to CONFIRMED only if no newer status event was applied (see {@link #NEWER}).
     */
    public Uni<Boolean> confirmBooking(Mutiny.Session s, long customerId, BookingRow b) {
        return s.createNativeQuery("""
                insert into booking (customer_id, shop, booking_id, channel, shopify_order_id, status, booked_at,
                                     updated_at)
                values (?1, ?2, ?3, ?4, cast(?5 as bigint), 'CONFIRMED', ?6, ?6)
                on conflict (shop, booking_id) do update set
                    booked_at = excluded.booked_at,
                    channel = excluded.channel,
                    shopify_order_id = coalesce(booking.shopify_order_id, excluded.shopify_order_id),
                    status = case when %s then excluded.status else booking.status end,
                    updated_at = greatest(booking.updated_at, excluded.updated_at)
                where booking.booked_at is null
                returning customer_id""".formatted(NEWER.formatted("excluded.status", "excluded.updated_at")),
                Long.class)
                .setParameter(1, customerId).setParameter(2, b.shop()).setParameter(3, b.bookingId())
                .setParameter(4, b.channel()).setParameter(5, b.shopifyOrderId()).setParameter(6, b.at())
                .getResultList()
                // The row's customer: the one the earlier status event attached it to, if any.
                .flatMap(owners -> owners.isEmpty() ? Uni.createFrom().item(false)
                        : countBooking(s, owners.get(0), b));
    }

    private Uni<Boolean> countBooking(Mutiny.Session s, long customerId, BookingRow b) {
        String counter = "INSTANT".equals(b.channel()) ? "instant_bookings" : "checkout_bookings";
        return s.createNativeQuery("update customer set " + counter + " = " + counter + " + 1,"
                + " first_booked_at = least(first_booked_at, ?2), last_booked_at = greatest(last_booked_at, ?2),"
                + " updated_at = now() where id = ?1")
                .setParameter(1, customerId).setParameter(2, b.at()).executeUpdate().map(rows -> true);
    }

    /**
     * Moves a known booking to a status unless a newer status event was applied already; false when the booking
     * is unknown here (its confirmation hasn't arrived: see {@link #statusBeforeConfirmation}).
     */
    public Uni<Boolean> setBookingStatus(Mutiny.Session s, String shop, String bookingId, String status,
            OffsetDateTime at) {
        String newer = NEWER.formatted("cast(?3 as varchar)", "cast(?4 as timestamptz)");
        return s.createNativeQuery("update booking set status = case when " + newer + " then ?3 else status end,"
                + " updated_at = greatest(updated_at, ?4) where shop = ?1 and booking_id = ?2")
                .setParameter(1, shop).setParameter(2, bookingId).setParameter(3, status).setParameter(4, at)
                .executeUpdate().map(rows -> rows > 0);
    }

    /**
     * Keeps the status of a booking whose confirmation hasn't arrived yet: a row with booked_at null, not counted
     * on the customer until {@link #confirmBooking} completes it. An upsert, so a confirmation committing at the
     * same time is merged, not duplicated.
     */
    public Uni<Void> statusBeforeConfirmation(Mutiny.Session s, long customerId, BookingRow b, String status) {
        return s.createNativeQuery("""
                insert into booking (customer_id, shop, booking_id, channel, shopify_order_id, status, updated_at)
                values (?1, ?2, ?3, ?4, cast(?5 as bigint), ?6, ?7)
                on conflict (shop, booking_id) do update set
                    status = case when %s then excluded.status else booking.status end,
                    updated_at = greatest(booking.updated_at, excluded.updated_at),
                    shopify_order_id = coalesce(booking.shopify_order_id, excluded.shopify_order_id)"""
                .formatted(NEWER.formatted("excluded.status", "excluded.updated_at")))
                .setParameter(1, customerId).setParameter(2, b.shop()).setParameter(3, b.bookingId())
                .setParameter(4, b.channel()).setParameter(5, b.shopifyOrderId()).setParameter(6, status)
                .setParameter(7, b.at())
                .executeUpdate().replaceWithVoid();
    }

    /**
     * Whether a status event (status %1$s at time %2$s) is newer than the booking's current one. Last writer wins
     * by event time, whatever the arrival order; at equal times a cancel beats a reschedule beats a confirmation.
     * So the outcome doesn't depend on the order Shopify or the client delivered the events in.
     */
    static final String NEWER = "(%2$s > booking.updated_at or (%2$s = booking.updated_at and"
            + " (case %1$s when 'CANCELLED' then 3 when 'RESCHEDULED' then 2 else 1 end)"
            + " > (case booking.status when 'CANCELLED' then 3 when 'RESCHEDULED' then 2 else 1 end)))";

    public Uni<Integer> saveExport(Mutiny.Session s, String shop, String subjectHash, Long dataRequestId,
            OffsetDateTime requestedAt, String json) {
        return s.createNativeQuery("insert into data_export (shop, subject_hash, data_request_id, requested_at, content)"
                + " values (?1, ?2, cast(?3 as bigint), ?4, cast(cast(?5 as text) as jsonb))")
                .setParameter(1, shop).setParameter(2, subjectHash).setParameter(3, dataRequestId)
                .setParameter(4, requestedAt).setParameter(5, json).executeUpdate();
    }

    /** A customer as an event presents it. */
    public record CustomerRow(String shop, String customerKey, String email, String emailNormalized, String firstName,
            String lastName, Long shopifyCustomerId) {
    }

    /** A booking as an event presents it. */
    public record BookingRow(String shop, String bookingId, String channel, Long shopifyOrderId, OffsetDateTime at) {
    }
}
