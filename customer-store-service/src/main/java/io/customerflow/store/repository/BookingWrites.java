package io.customerflow.store.repository;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The store's booking writes for many events at once: each method is one set-based statement over arrays
 * ({@code unnest}), so a poll of 500 events costs a handful of statements, not thousands. The statements are upserts
 * or updates on unique keys, never read-then-write, so they are safe under concurrency. Callers pass items that are
 * distinct per key (one row per customer, per booking, per event id: see {@code EventRuns}), since one statement
 * can't upsert a row twice; answers come per item, in the items' order. Every method runs in the caller's
 * transaction ({@link #inTransaction}).
 */
@ApplicationScoped
public class BookingWrites {

    private final Pool pool;
    private final String statementTimeout;

    public BookingWrites(Pool pool, io.customerflow.store.config.StoreConfig config) {
        this.pool = pool;
        // PostgreSQL ends a statement a little before the consumer gives up on the run: the transaction is then
        // rolled back and its locks freed, so the halves the consumer splits the run into don't wait on it.
        long millis = Math.max(100, config.consumer().applyTimeout().toMillis() * 9 / 10);
        this.statementTimeout = "set local statement_timeout = " + millis;
    }

    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(c -> c.query(statementTimeout).execute().chain(() -> work.apply(c)));
    }

    /** Records each event id; false for an id processed before. */
    public Uni<List<Boolean>> markProcessed(SqlConnection c, List<String> eventIds) {
        return query(c, "insert into processed_event (event_id) select * from unnest($1::varchar[])"
                + " on conflict do nothing returning event_id", Tuple.of(eventIds.toArray(String[]::new)), eventIds,
                rows -> set(rows, r -> r.getString(0)), (set, id) -> set.contains(id));
    }

    /** Per item: whether any of its hashes was redacted at or after its time (an old event must not resurrect it). */
    public Uni<List<Boolean>> redactedSince(SqlConnection c, List<List<String>> hashes, List<OffsetDateTime> since) {
        List<Integer> index = new ArrayList<>();
        List<String> hash = new ArrayList<>();
        List<OffsetDateTime> time = new ArrayList<>();
        for (int i = 0; i < hashes.size(); i++) {
            for (String h : hashes.get(i)) {
                index.add(i);
                hash.add(h);
                time.add(since.get(i));
            }
        }
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < hashes.size(); i++) {
            items.add(i);
        }
        return query(c, "select distinct v.i from unnest($1::int[], $2::bpchar[], $3::timestamptz[]) as v(i, hash, since)"
                + " join redaction r on r.subject_hash = v.hash and r.redacted_at >= v.since",
                Tuple.of(index.toArray(Integer[]::new), hash.toArray(String[]::new),
                        time.toArray(OffsetDateTime[]::new)), items,
                rows -> set(rows, r -> r.getInteger(0)), (set, i) -> set.contains(i));
    }

    /** Inserts or refreshes each customer (names and email only overwrite when the event carries them); their ids. */
    public Uni<List<Long>> upsertCustomers(SqlConnection c, List<CustomerRow> customers) {
        Tuple arrays = Tuple.tuple(List.<Object>of(
                customers.stream().map(CustomerRow::shop).toArray(String[]::new),
                customers.stream().map(CustomerRow::customerKey).toArray(String[]::new),
                customers.stream().map(CustomerRow::email).toArray(String[]::new),
                customers.stream().map(CustomerRow::emailNormalized).toArray(String[]::new),
                customers.stream().map(CustomerRow::firstName).toArray(String[]::new),
                customers.stream().map(CustomerRow::lastName).toArray(String[]::new),
                customers.stream().map(CustomerRow::shopifyCustomerId).toArray(Long[]::new)));
        return query(c, """
                insert into customer (shop, customer_key, email, email_normalized, first_name, last_name,
                                      shopify_customer_id)
                select * from unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[],
                                     $6::varchar[], $7::bigint[])
                on conflict (shop, customer_key) do update set
                    email = coalesce(excluded.email, customer.email),
                    email_normalized = coalesce(excluded.email_normalized, customer.email_normalized),
                    first_name = coalesce(excluded.first_name, customer.first_name),
                    last_name = coalesce(excluded.last_name, customer.last_name),
                    shopify_customer_id = coalesce(excluded.shopify_customer_id, customer.shopify_customer_id),
                    updated_at = now()
                returning shop, customer_key, id""", arrays, customers,
                rows -> map(rows, r -> r.getString(0) + "\n" + r.getString(1), r -> r.getLong(2)),
                (ids, row) -> ids.get(row.shop() + "\n" + row.customerKey()));
    }

    /**
     * Adds each booking from its confirmation, or completes the row an earlier-arriving cancel/reschedule left
     * (booked_at still null). Per item the customer the booking is now counted on (the one the earlier status event
     * attached it to, if any), or null when the booking was confirmed before. The status moves to CONFIRMED only if
     * no newer status event was applied (see {@link #NEWER}). Counting is {@link #countBookings}.
     */
    public Uni<List<Long>> confirmBookings(SqlConnection c, List<Long> customerIds, List<BookingRow> bookings) {
        Tuple arrays = Tuple.tuple(List.<Object>of(customerIds.toArray(Long[]::new), shops(bookings), bookingIds(bookings),
                bookings.stream().map(BookingRow::channel).toArray(String[]::new),
                bookings.stream().map(BookingRow::shopifyOrderId).toArray(Long[]::new), times(bookings)));
        return query(c, """
                insert into booking (customer_id, shop, booking_id, channel, shopify_order_id, status, booked_at,
                                     updated_at)
                select v.customer_id, v.shop, v.booking_id, v.channel, v.order_id, 'CONFIRMED', v.at, v.at
                from unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::varchar[], $5::bigint[], $6::timestamptz[])
                    as v(customer_id, shop, booking_id, channel, order_id, at)
                on conflict (shop, booking_id) do update set
                    booked_at = excluded.booked_at,
                    channel = excluded.channel,
                    shopify_order_id = coalesce(booking.shopify_order_id, excluded.shopify_order_id),
                    status = case when %s then excluded.status else booking.status end,
                    updated_at = greatest(booking.updated_at, excluded.updated_at)
                where booking.booked_at is null
                returning shop, booking_id, customer_id""".formatted(NEWER.formatted("excluded.status",
                "excluded.updated_at")), arrays, bookings,
                rows -> map(rows, r -> r.getString(0) + "\n" + r.getString(1), r -> r.getLong(2)),
                (owners, b) -> owners.get(b.shop() + "\n" + b.bookingId()));
    }

    /**
     * Counts newly confirmed bookings on their customers (per channel, with first and last booking times). Two
     * bookings may land on one customer, so they are summed per customer first: an update touches a row once.
     */
    public Uni<Void> countBookings(SqlConnection c, List<Long> customerIds, List<BookingRow> bookings) {
        Map<Long, long[]> counts = new LinkedHashMap<>(); // checkout, instant
        Map<Long, OffsetDateTime[]> range = new HashMap<>(); // first, last
        for (int i = 0; i < bookings.size(); i++) {
            BookingRow b = bookings.get(i);
            counts.computeIfAbsent(customerIds.get(i), k -> new long[2])["INSTANT".equals(b.channel()) ? 1 : 0]++;
            range.merge(customerIds.get(i), new OffsetDateTime[] { b.at(), b.at() }, (x, y) -> new OffsetDateTime[] {
                    x[0].isBefore(y[0]) ? x[0] : y[0], x[1].isAfter(y[1]) ? x[1] : y[1] });
        }
        if (counts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Long> ids = new ArrayList<>(counts.keySet());
        Tuple arrays = Tuple.tuple(List.<Object>of(ids.toArray(Long[]::new),
                ids.stream().map(id -> counts.get(id)[0]).toArray(Long[]::new),
                ids.stream().map(id -> counts.get(id)[1]).toArray(Long[]::new),
                ids.stream().map(id -> range.get(id)[0]).toArray(OffsetDateTime[]::new),
                ids.stream().map(id -> range.get(id)[1]).toArray(OffsetDateTime[]::new)));
        return c.preparedQuery("""
                update customer set
                    checkout_bookings = checkout_bookings + v.checkout,
                    instant_bookings = instant_bookings + v.instant,
                    first_booked_at = least(first_booked_at, v.first_at),
                    last_booked_at = greatest(last_booked_at, v.last_at),
                    updated_at = now()
                from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[])
                    as v(id, checkout, instant, first_at, last_at)
                where customer.id = v.id""").execute(arrays).replaceWithVoid();
    }

    /**
     * Moves each known booking to its status unless a newer status event was applied already; per item false when
     * the booking is unknown here (its confirmation hasn't arrived: see {@link #statusesBeforeConfirmation}).
     */
    public Uni<List<Boolean>> setBookingStatuses(SqlConnection c, List<BookingRow> bookings, List<String> statuses) {
        Tuple arrays = Tuple.tuple(List.<Object>of(shops(bookings), bookingIds(bookings), statuses.toArray(String[]::new),
                times(bookings)));
        return query(c, "update booking set status = case when " + NEWER.formatted("v.status", "v.at")
                + " then v.status else booking.status end, updated_at = greatest(booking.updated_at, v.at)"
                + " from unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::timestamptz[])"
                + " as v(shop, booking_id, status, at)"
                + " where booking.shop = v.shop and booking.booking_id = v.booking_id"
                + " returning booking.shop, booking.booking_id", arrays, bookings,
                rows -> set(rows, r -> r.getString(0) + "\n" + r.getString(1)),
                (known, b) -> known.contains(b.shop() + "\n" + b.bookingId()));
    }

    /**
     * Keeps the status of each booking whose confirmation hasn't arrived yet: a row with booked_at null, not counted
     * on the customer until {@link #confirmBookings} completes it. An upsert, so a confirmation committing at the
     * same time is merged, not duplicated.
     */
    public Uni<Void> statusesBeforeConfirmation(SqlConnection c, List<Long> customerIds, List<BookingRow> bookings,
            List<String> statuses) {
        if (bookings.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Tuple arrays = Tuple.tuple(List.<Object>of(customerIds.toArray(Long[]::new), shops(bookings), bookingIds(bookings),
                bookings.stream().map(BookingRow::channel).toArray(String[]::new),
                bookings.stream().map(BookingRow::shopifyOrderId).toArray(Long[]::new),
                statuses.toArray(String[]::new), times(bookings)));
        return c.preparedQuery("""
                insert into booking (customer_id, shop, booking_id, channel, shopify_order_id, status, updated_at)
                select * from unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::varchar[], $5::bigint[],
                                     $6::varchar[], $7::timestamptz[])
                on conflict (shop, booking_id) do update set
                    status = case when %s then excluded.status else booking.status end,
                    updated_at = greatest(booking.updated_at, excluded.updated_at),
                    shopify_order_id = coalesce(booking.shopify_order_id, excluded.shopify_order_id)"""
                .formatted(NEWER.formatted("excluded.status", "excluded.updated_at"))).execute(arrays)
                .replaceWithVoid();
    }

    /**
     * Whether a status event (status %1$s at time %2$s) is newer than the booking's current one. Last writer wins
     * by event time, whatever the arrival order; at equal times the later step of a booking's life wins (no-show,
     * completed, cancel, reschedule, confirmation: any fixed order would do). So the outcome doesn't depend on the
     * order Shopify or the client delivered the events in.
     */
    static final String NEWER = "(%2$s > booking.updated_at or (%2$s = booking.updated_at and "
            + rank("%1$s") + " > " + rank("booking.status") + "))";

    private static String rank(String status) {
        return "(case " + status + " when 'NO_SHOW' then 5 when 'COMPLETED' then 4 when 'CANCELLED' then 3"
                + " when 'RESCHEDULED' then 2 else 1 end)";
    }

    /** Runs one statement for all items and answers per item from what it returned. */
    private static <I, R, T> Uni<List<T>> query(SqlConnection c, String sql, Tuple arrays, List<I> items,
            Function<RowSet<Row>, R> read, java.util.function.BiFunction<R, I, T> perItem) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return c.preparedQuery(sql).execute(arrays).map(rows -> {
            R returned = read.apply(rows);
            List<T> results = new ArrayList<>(items.size());
            items.forEach(item -> results.add(perItem.apply(returned, item)));
            return results;
        });
    }

    private static <K> Set<K> set(RowSet<Row> rows, Function<Row, K> key) {
        Set<K> set = new HashSet<>();
        rows.forEach(r -> set.add(key.apply(r)));
        return set;
    }

    private static <K, V> Map<K, V> map(RowSet<Row> rows, Function<Row, K> key, Function<Row, V> value) {
        Map<K, V> map = new HashMap<>();
        rows.forEach(r -> map.put(key.apply(r), value.apply(r)));
        return map;
    }

    private static String[] shops(List<BookingRow> bookings) {
        return bookings.stream().map(BookingRow::shop).toArray(String[]::new);
    }

    private static String[] bookingIds(List<BookingRow> bookings) {
        return bookings.stream().map(BookingRow::bookingId).toArray(String[]::new);
    }

    private static OffsetDateTime[] times(List<BookingRow> bookings) {
        return bookings.stream().map(BookingRow::at).toArray(OffsetDateTime[]::new);
    }

    /** A customer as an event presents it. */
    public record CustomerRow(String shop, String customerKey, String email, String emailNormalized, String firstName,
            String lastName, Long shopifyCustomerId) {
    }

    /** A booking as an event presents it. */
    public record BookingRow(String shop, String bookingId, String channel, Long shopifyOrderId, OffsetDateTime at) {
    }
}
