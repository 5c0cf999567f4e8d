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
public class EventStore {

    /** Records the event id; false when it was processed before (the effect must then be skipped). */
    public Uni<Boolean> markProcessed(Mutiny.Session s, String eventId) {
        return s.createNativeQuery("insert into processed_event (event_id) values (?1) on conflict do nothing")
                .setParameter(1, eventId).executeUpdate().map(rows -> rows == 1);
    }

    /** True when any of the hashes was redacted at or after {@code time}: an old event must not resurrect it. */
    public Uni<Boolean> redactedSince(Mutiny.Session s, List<String> hashes, OffsetDateTime time) {
        if (hashes.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return s.createNativeQuery("select count(*) from redaction where subject_hash in (?1) and redacted_at >= ?2",
                Long.class).setParameter(1, hashes).setParameter(2, time).getSingleResult().map(n -> n > 0);
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

    /** Adds the booking unless known; when added, counts it on the customer. True when added. */
    public Uni<Boolean> addBooking(Mutiny.Session s, long customerId, BookingRow b) {
        return s.createNativeQuery("""
                insert into booking (customer_id, shop, booking_id, channel, shopify_order_id, status, booked_at,
                                     updated_at)
                values (?1, ?2, ?3, ?4, cast(?5 as bigint), 'CONFIRMED', ?6, ?6)
                on conflict (shop, booking_id) do nothing""")
                .setParameter(1, customerId).setParameter(2, b.shop()).setParameter(3, b.bookingId())
                .setParameter(4, b.channel()).setParameter(5, b.shopifyOrderId()).setParameter(6, b.at())
                .executeUpdate()
                .flatMap(rows -> rows == 0 ? Uni.createFrom().item(false) : countBooking(s, customerId, b));
    }

    private Uni<Boolean> countBooking(Mutiny.Session s, long customerId, BookingRow b) {
        String counter = "INSTANT".equals(b.channel()) ? "instant_bookings" : "checkout_bookings";
        return s.createNativeQuery("update customer set " + counter + " = " + counter + " + 1,"
                + " first_booked_at = least(first_booked_at, ?2), last_booked_at = greatest(last_booked_at, ?2),"
                + " updated_at = now() where id = ?1")
                .setParameter(1, customerId).setParameter(2, b.at()).executeUpdate().map(rows -> true);
    }

    /** Moves a known booking to a status; false when the booking is unknown here. */
    public Uni<Boolean> setBookingStatus(Mutiny.Session s, String shop, String bookingId, String status,
            OffsetDateTime at) {
        return s.createNativeQuery("update booking set status = ?3, updated_at = greatest(updated_at, ?4)"
                + " where shop = ?1 and booking_id = ?2")
                .setParameter(1, shop).setParameter(2, bookingId).setParameter(3, status).setParameter(4, at)
                .executeUpdate().map(rows -> rows > 0);
    }

    /** Erases the customers matching any identity (bookings cascade) and their exports; returns customers erased. */
    public Uni<Integer> eraseCustomer(Mutiny.Session s, String shop, String customerKeyByEmail, Long shopifyId,
            List<String> hashes) {
        return s.createNativeQuery("delete from customer where shop = ?1 and (customer_key = cast(?2 as varchar)"
                + " or shopify_customer_id = cast(?3 as bigint) or customer_key = cast(?4 as varchar))")
                .setParameter(1, shop).setParameter(2, customerKeyByEmail).setParameter(3, shopifyId)
                .setParameter(4, shopifyId == null ? null : "shopify:" + shopifyId)
                .executeUpdate()
                .call(() -> hashes.isEmpty() ? Uni.createFrom().voidItem()
                        : s.createNativeQuery("delete from data_export where shop = ?1 and subject_hash in (?2)")
                                .setParameter(1, shop).setParameter(2, hashes).executeUpdate());
    }

    public Uni<Integer> eraseShop(Mutiny.Session s, String shop) {
        return s.createNativeQuery("delete from customer where shop = ?1").setParameter(1, shop).executeUpdate()
                .call(() -> s.createNativeQuery("delete from data_export where shop = ?1").setParameter(1, shop)
                        .executeUpdate());
    }

    /** Remembers (or moves forward) the redaction time of each hash. */
    public Uni<Void> markRedacted(Mutiny.Session s, List<String> hashes, OffsetDateTime at) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String hash : hashes) {
            chain = chain.call(() -> s.createNativeQuery("insert into redaction (subject_hash, redacted_at)"
                    + " values (?1, ?2) on conflict (subject_hash) do update"
                    + " set redacted_at = greatest(redaction.redacted_at, excluded.redacted_at)")
                    .setParameter(1, hash).setParameter(2, at).executeUpdate());
        }
        return chain;
    }

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
