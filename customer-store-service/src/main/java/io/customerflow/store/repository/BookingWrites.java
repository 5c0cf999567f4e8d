package io.customerflow.store.repository;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The store's booking writes for many events at once. Each method runs one statement per item, pipelined over the
 * caller's connection in one round trip ({@code executeBatch}), and answers per item in the items' order. The
 * statements are single upserts or updates on unique keys, never read-then-write, so they are safe under
 * concurrency; every method runs in the caller's transaction ({@link #inTransaction}).
 */
@ApplicationScoped
public class BookingWrites {

    private final Pool pool;

    public BookingWrites(Pool pool) {
        this.pool = pool;
    }

    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    /** Records each event id; false for an id processed before (also earlier in the same list). */
    public Uni<List<Boolean>> markProcessed(SqlConnection c, List<String> eventIds) {
        return batch(c, "insert into processed_event (event_id) values ($1) on conflict do nothing",
                eventIds.stream().map(Tuple::of).toList(), rs -> rs.rowCount() == 1);
    }

    /** Per item: whether any of its hashes was redacted at or after its time (an old event must not resurrect it). */
    public Uni<List<Boolean>> redactedSince(SqlConnection c, List<List<String>> hashes, List<OffsetDateTime> since) {
        List<Tuple> tuples = new ArrayList<>(hashes.size());
        for (int i = 0; i < hashes.size(); i++) {
            tuples.add(Tuple.of(hashes.get(i).toArray(String[]::new), since.get(i)));
        }
        return batch(c, "select count(*) from redaction where subject_hash = any($1) and redacted_at >= $2", tuples,
                rs -> rs.iterator().next().getLong(0) > 0);
    }

    /** Inserts or refreshes each customer (names and email only overwrite when the event carries them); their ids. */
    public Uni<List<Long>> upsertCustomers(SqlConnection c, List<CustomerRow> customers) {
        return batch(c, """
                insert into customer (shop, customer_key, email, email_normalized, first_name, last_name,
                                      shopify_customer_id)
                values ($1, $2, $3, $4, $5, $6, $7)
                on conflict (shop, customer_key) do update set
                    email = coalesce(excluded.email, customer.email),
                    email_normalized = coalesce(excluded.email_normalized, customer.email_normalized),
                    first_name = coalesce(excluded.first_name, customer.first_name),
                    last_name = coalesce(excluded.last_name, customer.last_name),
                    shopify_customer_id = coalesce(excluded.shopify_customer_id, customer.shopify_customer_id),
                    updated_at = now()
                returning id""", customers.stream().map(r -> Tuple.from(java.util.Arrays.asList(r.shop(),
                r.customerKey(), r.email(), r.emailNormalized(), r.firstName(), r.lastName(),
                r.shopifyCustomerId()))).toList(), rs -> rs.iterator().next().getLong(0));
    }

    /**
     * Adds each booking from its confirmation, or completes the row an earlier-arriving cancel/reschedule left
     * (booked_at still null). Per item the customer the booking is now counted on (the one the earlier status event
     * attached it to, if any), or null when the booking was confirmed before. The status moves to CONFIRMED only if
     * no newer status event was applied (see {@link #NEWER}). Counting is {@link #countBookings}.
     */
    public Uni<List<Long>> confirmBookings(SqlConnection c, List<Long> customerIds, List<BookingRow> bookings) {
        List<Tuple> tuples = new ArrayList<>(bookings.size());
        for (int i = 0; i < bookings.size(); i++) {
            BookingRow b = bookings.get(i);
            tuples.add(Tuple.from(java.util.Arrays.asList(customerIds.get(i), b.shop(), b.bookingId(), b.channel(),
                    b.shopifyOrderId(), b.at())));
        }
        return batch(c, """
                insert into booking (customer_id, shop, booking_id, channel, shopify_order_id, status, booked_at,
                                     updated_at)
                values ($1, $2, $3, $4, $5, 'CONFIRMED', $6, $6)
                on conflict (shop, booking_id) do update set
                    booked_at = excluded.booked_at,
                    channel = excluded.channel,
                    shopify_order_id = coalesce(booking.shopify_order_id, excluded.shopify_order_id),
                    status = case when %s then excluded.status else booking.status end,
                    updated_at = greatest(booking.updated_at, excluded.updated_at)
                where booking.booked_at is null
                returning customer_id""".formatted(NEWER.formatted("excluded.status", "excluded.updated_at")),
                tuples, rs -> rs.size() == 0 ? null : rs.iterator().next().getLong(0));
    }

    /** Counts each newly confirmed booking on its customer (per channel, with first and last booking times). */
    public Uni<Void> countBookings(SqlConnection c, List<Long> customerIds, List<BookingRow> bookings) {
        List<Tuple> tuples = new ArrayList<>(bookings.size());
        for (int i = 0; i < bookings.size(); i++) {
            tuples.add(Tuple.of(customerIds.get(i), bookings.get(i).at(), bookings.get(i).channel()));
        }
        return batch(c, """
                update customer set
                    checkout_bookings = checkout_bookings + case when $3 = 'CHECKOUT' then 1 else 0 end,
                    instant_bookings = instant_bookings + case when $3 = 'INSTANT' then 1 else 0 end,
                    first_booked_at = least(first_booked_at, $2), last_booked_at = greatest(last_booked_at, $2),
                    updated_at = now()
                where id = $1""", tuples, rs -> rs.rowCount()).replaceWithVoid();
    }

    /**
     * Moves each known booking to its status unless a newer status event was applied already; per item false when
     * the booking is unknown here (its confirmation hasn't arrived: see {@link #statusesBeforeConfirmation}).
     */
    public Uni<List<Boolean>> setBookingStatuses(SqlConnection c, List<BookingRow> bookings, List<String> statuses) {
        List<Tuple> tuples = new ArrayList<>(bookings.size());
        for (int i = 0; i < bookings.size(); i++) {
            BookingRow b = bookings.get(i);
            tuples.add(Tuple.of(b.shop(), b.bookingId(), statuses.get(i), b.at()));
        }
        String newer = NEWER.formatted("cast($3 as varchar)", "cast($4 as timestamptz)");
        return batch(c, "update booking set status = case when " + newer + " then $3 else status end,"
                + " updated_at = greatest(updated_at, $4) where shop = $1 and booking_id = $2", tuples,
                rs -> rs.rowCount() > 0);
    }

    /**
     * Keeps the status of each booking whose confirmation hasn't arrived yet: a row with booked_at null, not counted
     * on the customer until {@link #confirmBookings} completes it. An upsert, so a confirmation committing at the
     * same time is merged, not duplicated.
     */
    public Uni<Void> statusesBeforeConfirmation(SqlConnection c, List<Long> customerIds, List<BookingRow> bookings,
            List<String> statuses) {
        List<Tuple> tuples = new ArrayList<>(bookings.size());
        for (int i = 0; i < bookings.size(); i++) {
            BookingRow b = bookings.get(i);
            tuples.add(Tuple.from(java.util.Arrays.asList(customerIds.get(i), b.shop(), b.bookingId(), b.channel(),
                    b.shopifyOrderId(), statuses.get(i), b.at())));
        }
        return batch(c, """
                insert into booking (customer_id, shop, booking_id, channel, shopify_order_id, status, updated_at)
                values ($1, $2, $3, $4, $5, $6, $7)
                on conflict (shop, booking_id) do update set
                    status = case when %s then excluded.status else booking.status end,
                    updated_at = greatest(booking.updated_at, excluded.updated_at),
                    shopify_order_id = coalesce(booking.shopify_order_id, excluded.shopify_order_id)"""
                .formatted(NEWER.formatted("excluded.status", "excluded.updated_at")), tuples, rs -> rs.rowCount())
                .replaceWithVoid();
    }

    /**
     * Whether a status event (status %1$s at time %2$s) is newer than the booking's current one. Last writer wins
     * by event time, whatever the arrival order; at equal times a cancel beats a reschedule beats a confirmation.
     * So the outcome doesn't depend on the order Shopify or the client delivered the events in.
     */
    static final String NEWER = "(%2$s > booking.updated_at or (%2$s = booking.updated_at and"
            + " (case %1$s when 'CANCELLED' then 3 when 'RESCHEDULED' then 2 else 1 end)"
            + " > (case booking.status when 'CANCELLED' then 3 when 'RESCHEDULED' then 2 else 1 end)))";

    /** Runs the statement once per tuple in one pipelined round trip; maps each tuple's result. */
    private static <T> Uni<List<T>> batch(SqlConnection c, String sql, List<Tuple> tuples,
            Function<RowSet<Row>, T> perTuple) {
        if (tuples.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return c.preparedQuery(sql).executeBatch(tuples).map(first -> {
            List<T> results = new ArrayList<>(tuples.size());
            for (RowSet<Row> rs = first; rs != null; rs = rs.next()) {
                results.add(perTuple.apply(rs));
            }
            return results;
        });
    }

    /** A customer as an event presents it. */
    public record CustomerRow(String shop, String customerKey, String email, String emailNormalized, String firstName,
            String lastName, Long shopifyCustomerId) {
    }

    /** A booking as an event presents it. */
    public record BookingRow(String shop, String bookingId, String channel, Long shopifyOrderId, OffsetDateTime at) {
    }
}
