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

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * The store's booking writes for many events at once: each method is one set-based statement over arrays
 * ({@code unnest}), so a poll of 500 events costs a handful of statements, not thousands. The statements are upserts
 * or updates on unique keys, never read-then-write, so they are safe under concurrency. Callers pass items that are
 * distinct per key (one row per customer, per booking, per event id: see {@code EventRuns}), since one statement
 * can't upsert a row twice; answers come per item, in the items' order. Every method runs in the caller's
 * transaction ({@link #inTransaction}), a Hibernate Reactive session like every other access to the store's tables;
 * the arrays are native SQL because HQL has no {@code unnest}. Times travel as ISO-8601 text arrays and are cast in
 * the statement: the driver can't encode the {@code Instant[]} Hibernate would bind.
 */
@ApplicationScoped
public class BookingWrites {

    private static final String INSTANT = "INSTANT";

    private final Mutiny.SessionFactory sessions;
    private final ProcessedEvents processed;
    private final String statementTimeout;

    public BookingWrites(Mutiny.SessionFactory sessions, ProcessedEvents processed,
            io.customerflow.store.config.StoreConfig config) {
        this.sessions = sessions;
        this.processed = processed;
        // PostgreSQL ends a statement a little before the consumer gives up on the run: the transaction is then
        // rolled back and its locks freed, so the halves the consumer splits the run into don't wait on it.
        long millis = Math.max(100, config.consumer().applyTimeout().toMillis() * 9 / 10);
        this.statementTimeout = "set local statement_timeout = " + millis;
    }

    /** Runs the work in a transaction of a session of its own (never one still bound to the consumer's stream). */
    public <T> Uni<T> inTransaction(Function<Mutiny.Session, Uni<T>> work) {
        return sessions.openSession().chain(s -> s.withTransaction(tx -> s.createNativeQuery(statementTimeout)
                .executeUpdate().chain(() -> work.apply(s))).eventually(s::close));
    }

    /** Records each event id; false for an id processed before. */
    public Uni<List<Boolean>> markProcessed(Mutiny.Session s, List<String> eventIds) {
        return processed.markProcessed(s, eventIds);
    }

    /** Per item: whether any of its hashes was redacted at or after its time (an old event must not resurrect it). */
    public Uni<List<Boolean>> redactedSince(Mutiny.Session s, List<List<String>> hashes, List<OffsetDateTime> since) {
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
        return query(s, "select distinct v.i from unnest(cast(?1 as int[]), cast(?2 as bpchar[]), cast(?3 as text[]))"
                + " as v(i, hash, since) join redaction r on r.subject_hash = v.hash"
                + " and r.redacted_at >= cast(v.since as timestamptz)",
                List.of(index.toArray(Integer[]::new), hash.toArray(String[]::new), text(time)), items,
                rows -> set(rows, r -> ((Number) r[0]).intValue()), (set, i) -> set.contains(i));
    }

    /**
     * Inserts or refreshes each customer (names and email only overwrite when the event carries them); their ids,
     * and whether the row is new. A new customer's row already counts the booking its event confirms (per item, or
     * null): a new customer has no bookings yet, so the booking is its first unless {@link #confirmBookings} finds
     * it confirmed before or kept for another customer, and then {@link #uncount} takes the count back. That saves
     * a second write of every new customer's row ({@link #countBookings} counts for the customers that existed).
     */
    public Uni<List<Upserted>> upsertCustomers(Mutiny.Session s, List<CustomerRow> customers,
            List<BookingRow> confirming) {
        List<Object> arrays = List.of(
                customers.stream().map(CustomerRow::shop).toArray(String[]::new),
                customers.stream().map(CustomerRow::customerKey).toArray(String[]::new),
                customers.stream().map(CustomerRow::email).toArray(String[]::new),
                customers.stream().map(CustomerRow::emailNormalized).toArray(String[]::new),
                customers.stream().map(CustomerRow::firstName).toArray(String[]::new),
                customers.stream().map(CustomerRow::lastName).toArray(String[]::new),
                customers.stream().map(CustomerRow::shopifyCustomerId).toArray(Long[]::new),
                confirming.stream().map(b -> b != null && !INSTANT.equals(b.channel()) ? 1 : 0).toArray(Integer[]::new),
                confirming.stream().map(b -> b != null && INSTANT.equals(b.channel()) ? 1 : 0).toArray(Integer[]::new),
                text(confirming.stream().map(b -> b == null ? null : b.at()).toList()));
        return query(s, """
                insert into customer (shop, customer_key, email, email_normalized, first_name, last_name,
                                      shopify_customer_id, checkout_bookings, instant_bookings, first_booked_at,
                                      last_booked_at)
                select v.shop, v.customer_key, v.email, v.email_normalized, v.first_name, v.last_name, v.shopify_id,
                       v.checkout, v.instant, cast(v.at as timestamptz), cast(v.at as timestamptz)
                from unnest(cast(?1 as varchar[]), cast(?2 as varchar[]), cast(?3 as varchar[]),
                            cast(?4 as varchar[]), cast(?5 as varchar[]), cast(?6 as varchar[]),
                            cast(?7 as bigint[]), cast(?8 as int[]), cast(?9 as int[]), cast(?10 as text[]))
                    as v(shop, customer_key, email, email_normalized, first_name, last_name, shopify_id, checkout,
                         instant, at)
                on conflict (shop, customer_key) do update set
                    email = coalesce(excluded.email, customer.email),
                    email_normalized = coalesce(excluded.email_normalized, customer.email_normalized),
                    first_name = coalesce(excluded.first_name, customer.first_name),
                    last_name = coalesce(excluded.last_name, customer.last_name),
                    shopify_customer_id = coalesce(excluded.shopify_customer_id, customer.shopify_customer_id),
                    updated_at = now()
                returning shop, customer_key, id, xmax = 0""", arrays, customers,
                rows -> map(rows, r -> r[0] + "\n" + r[1], r -> new Upserted(((Number) r[2]).longValue(),
                        (Boolean) r[3])),
                (ids, row) -> ids.get(row.shop() + "\n" + row.customerKey()));
    }

    /**
     * Takes back the booking a new customer's row counted when {@link #confirmBookings} did not count it there (the
     * booking was confirmed before, or kept for another customer): the row is new in this transaction, so it has no
     * other booking and nobody else can have counted on it.
     */
    public Uni<Void> uncount(Mutiny.Session s, List<Long> newCustomerIds) {
        if (newCustomerIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return update(s, "update customer set checkout_bookings = 0, instant_bookings = 0, first_booked_at = null,"
                + " last_booked_at = null from unnest(cast(?1 as bigint[])) as v(id) where customer.id = v.id",
                List.of((Object) newCustomerIds.toArray(Long[]::new)));
    }

    /**
     * Adds each booking from its confirmation, or completes the row an earlier-arriving cancel/reschedule left
     * (booked_at still null). Per item the customer the booking is now counted on (the one the earlier status event
     * attached it to, if any), or null when the booking was confirmed before. The status moves to CONFIRMED only if
     * no newer status event was applied (see {@link #NEWER}). Counting is {@link #upsertCustomers} and {@link #countBookings}.
     */
    public Uni<List<Long>> confirmBookings(Mutiny.Session s, List<Long> customerIds, List<BookingRow> bookings) {
        List<Object> arrays = List.of(customerIds.toArray(Long[]::new), shops(bookings), bookingIds(bookings),
                bookings.stream().map(BookingRow::channel).toArray(String[]::new),
                bookings.stream().map(BookingRow::shopifyOrderId).toArray(Long[]::new), times(bookings));
        return query(s, """
                insert into booking (customer_id, shop, booking_id, channel, shopify_order_id, status, booked_at,
                                     updated_at)
                select v.customer_id, v.shop, v.booking_id, v.channel, v.order_id, 'CONFIRMED',
                       cast(v.at as timestamptz), cast(v.at as timestamptz)
                from unnest(cast(?1 as bigint[]), cast(?2 as varchar[]), cast(?3 as varchar[]), cast(?4 as varchar[]),
                            cast(?5 as bigint[]), cast(?6 as text[]))
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
                rows -> map(rows, r -> r[0] + "\n" + r[1], r -> ((Number) r[2]).longValue()),
                (owners, b) -> owners.get(b.shop() + "\n" + b.bookingId()));
    }

    /**
     * Counts newly confirmed bookings on customers whose rows did not count them when inserted (per channel, with
     * first and last booking times). Two bookings may land on one customer, so they are summed per customer first: an
     * update touches a row once.
     */
    public Uni<Void> countBookings(Mutiny.Session s, List<Long> customerIds, List<BookingRow> bookings) {
        Map<Long, long[]> counts = new LinkedHashMap<>(); // checkout, instant
        Map<Long, OffsetDateTime[]> range = new HashMap<>(); // first, last
        for (int i = 0; i < bookings.size(); i++) {
            BookingRow b = bookings.get(i);
            counts.computeIfAbsent(customerIds.get(i), k -> new long[2])[INSTANT.equals(b.channel()) ? 1 : 0]++;
            range.merge(customerIds.get(i), new OffsetDateTime[] { b.at(), b.at() }, (x, y) -> new OffsetDateTime[] {
                    x[0].isBefore(y[0]) ? x[0] : y[0], x[1].isAfter(y[1]) ? x[1] : y[1] });
        }
        if (counts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Long> ids = new ArrayList<>(counts.keySet());
        List<Object> arrays = List.of(ids.toArray(Long[]::new),
                ids.stream().map(id -> counts.get(id)[0]).toArray(Long[]::new),
                ids.stream().map(id -> counts.get(id)[1]).toArray(Long[]::new),
                text(ids.stream().map(id -> range.get(id)[0]).toList()),
                text(ids.stream().map(id -> range.get(id)[1]).toList()));
        return update(s, """
                update customer set
                    checkout_bookings = checkout_bookings + v.checkout,
                    instant_bookings = instant_bookings + v.instant,
                    first_booked_at = least(first_booked_at, cast(v.first_at as timestamptz)),
                    last_booked_at = greatest(last_booked_at, cast(v.last_at as timestamptz)),
                    updated_at = now()
                from unnest(cast(?1 as bigint[]), cast(?2 as bigint[]), cast(?3 as bigint[]), cast(?4 as text[]),
                            cast(?5 as text[]))
                    as v(id, checkout, instant, first_at, last_at)
                where customer.id = v.id""", arrays);
    }

    /**
     * Moves each known booking to its status unless a newer status event was applied already; per item false when
     * the booking is unknown here (its confirmation hasn't arrived: see {@link #statusesBeforeConfirmation}).
     */
    public Uni<List<Boolean>> setBookingStatuses(Mutiny.Session s, List<BookingRow> bookings, List<String> statuses) {
        List<Object> arrays = List.of(shops(bookings), bookingIds(bookings), statuses.toArray(String[]::new),
                times(bookings));
        return query(s, "update booking set status = case when " + NEWER.formatted("v.status", "v.at")
                + " then v.status else booking.status end, updated_at = greatest(booking.updated_at, v.at)"
                + " from (select shop, booking_id, status, cast(at as timestamptz) as at from unnest("
                + "cast(?1 as varchar[]), cast(?2 as varchar[]), cast(?3 as varchar[]), cast(?4 as text[]))"
                + " as u(shop, booking_id, status, at)) as v"
                + " where booking.shop = v.shop and booking.booking_id = v.booking_id"
                + " returning booking.shop, booking.booking_id", arrays, bookings,
                rows -> set(rows, r -> r[0] + "\n" + r[1]),
                (known, b) -> known.contains(b.shop() + "\n" + b.bookingId()));
    }

    /**
     * Keeps the status of each booking whose confirmation hasn't arrived yet: a row with booked_at null, not counted
     * on the customer until {@link #confirmBookings} completes it. An upsert, so a confirmation committing at the
     * same time is merged, not duplicated.
     */
    public Uni<Void> statusesBeforeConfirmation(Mutiny.Session s, List<Long> customerIds, List<BookingRow> bookings,
            List<String> statuses) {
        if (bookings.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Object> arrays = List.of(customerIds.toArray(Long[]::new), shops(bookings), bookingIds(bookings),
                bookings.stream().map(BookingRow::channel).toArray(String[]::new),
                bookings.stream().map(BookingRow::shopifyOrderId).toArray(Long[]::new),
                statuses.toArray(String[]::new), times(bookings));
        return update(s, """
                insert into booking (customer_id, shop, booking_id, channel, shopify_order_id, status, updated_at)
                select v.customer_id, v.shop, v.booking_id, v.channel, v.order_id, v.status, cast(v.at as timestamptz)
                from unnest(cast(?1 as bigint[]), cast(?2 as varchar[]), cast(?3 as varchar[]), cast(?4 as varchar[]),
                            cast(?5 as bigint[]), cast(?6 as varchar[]), cast(?7 as text[]))
                    as v(customer_id, shop, booking_id, channel, order_id, status, at)
                on conflict (shop, booking_id) do update set
                    status = case when %s then excluded.status else booking.status end,
                    updated_at = greatest(booking.updated_at, excluded.updated_at),
                    shopify_order_id = coalesce(booking.shopify_order_id, excluded.shopify_order_id)"""
                .formatted(NEWER.formatted("excluded.status", "excluded.updated_at")), arrays);
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

    /** Runs one statement for all items and answers per item from the rows it returned. */
    private static <I, R, T> Uni<List<T>> query(Mutiny.Session s, String sql, List<Object> arrays, List<I> items,
            Function<List<Object[]>, R> read, java.util.function.BiFunction<R, I, T> perItem) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return bind(s.createNativeQuery(sql, Object.class), arrays).getResultList().map(rows -> {
            // A row of one column comes as its value, a longer one as an array.
            R returned = read.apply(rows.stream().map(r -> r instanceof Object[] a ? a : new Object[] { r }).toList());
            List<T> results = new ArrayList<>(items.size());
            items.forEach(item -> results.add(perItem.apply(returned, item)));
            return results;
        });
    }

    private static Uni<Void> update(Mutiny.Session s, String sql, List<Object> arrays) {
        return bind(s.createNativeQuery(sql), arrays).executeUpdate().replaceWithVoid();
    }

    private static <Q extends Mutiny.AbstractQuery> Q bind(Q query, List<Object> arrays) {
        for (int i = 0; i < arrays.size(); i++) {
            query.setParameter(i + 1, arrays.get(i));
        }
        return query;
    }

    private static <K> Set<K> set(List<Object[]> rows, Function<Object[], K> key) {
        Set<K> set = new HashSet<>();
        rows.forEach(r -> set.add(key.apply(r)));
        return set;
    }

    private static <K, V> Map<K, V> map(List<Object[]> rows, Function<Object[], K> key, Function<Object[], V> value) {
        Map<K, V> map = new HashMap<>();
        rows.forEach(r -> map.put(key.apply(r), value.apply(r)));
        return map;
    }

    /** Times as ISO-8601 text, cast back to {@code timestamptz} in the statement (exact to the microsecond). */
    private static String[] text(List<OffsetDateTime> times) {
        return times.stream().map(t -> t == null ? null : t.toString()).toArray(String[]::new);
    }

    private static String[] shops(List<BookingRow> bookings) {
        return bookings.stream().map(BookingRow::shop).toArray(String[]::new);
    }

    private static String[] bookingIds(List<BookingRow> bookings) {
        return bookings.stream().map(BookingRow::bookingId).toArray(String[]::new);
    }

    private static String[] times(List<BookingRow> bookings) {
        return text(bookings.stream().map(BookingRow::at).toList());
    }

    /** A customer's row id, and whether the upsert inserted it. */
    public record Upserted(long id, boolean inserted) {
    }

    /** A customer as an event presents it. */
    public record CustomerRow(String shop, String customerKey, String email, String emailNormalized, String firstName,
            String lastName, Long shopifyCustomerId) {
    }

    /** A booking as an event presents it. */
    public record BookingRow(String shop, String bookingId, String channel, Long shopifyOrderId, OffsetDateTime at) {
    }
}
