package io.customerflow.store.repository;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.customerflow.events.Emails;
import io.customerflow.store.model.Customer;
import io.customerflow.store.model.DataExportView;
import io.smallrye.mutiny.Uni;

/** The store's reads: filtered, paged customer lists in a stable order, reports and exports. */
@ApplicationScoped
public class CustomerQueries {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Mutiny.SessionFactory sessions;

    public CustomerQueries(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Filters of the customer list; null means "any". {@code bookedFrom}/{@code bookedTo} are inclusive days (UTC). */
    public record Filter(String shop, String email, String nameContains, String channel, LocalDate bookedFrom,
            LocalDate bookedTo) {
    }

    public record Page<T>(List<T> items, int page, int size, long total) {
    }

    /** Bookings made that day on that channel, and how many of them are now cancelled, completed, no-shows. */
    public record DayCount(LocalDate date, String channel, long bookings, long cancelled, long completed,
            long noShow) {
    }

    /** How a list is sorted: as stored (the API's stable pages), newest booking first, or by name. */
    public enum Sort {
        ID(" order by c.id"),
        NEWEST_BOOKING(" order by c.lastBookedAt desc nulls last, c.id"),
        NAME(" order by lower(coalesce(c.lastName, '')), lower(coalesce(c.firstName, '')), c.id");

        final String orderBy;

        Sort(String orderBy) {
            this.orderBy = orderBy;
        }
    }

    public Uni<Page<Customer>> search(Filter f, int page, int size) {
        return search(f, Sort.ID, page, size);
    }

    public Uni<Page<Customer>> search(Filter f, Sort sort, int page, int size) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(f, params);
        return sessions.withSession(s -> {
            var list = s.createSelectionQuery("from Customer c" + where + sort.orderBy, Customer.class);
            var count = s.createSelectionQuery("select count(c) from Customer c" + where, Long.class);
            params.forEach((k, v) -> {
                list.setParameter(k, v);
                count.setParameter(k, v);
            });
            return list.setFirstResult(page * size).setMaxResults(size).getResultList()
                    .flatMap(items -> count.getSingleResult().map(total -> new Page<>(items, page, size, total)));
        });
    }

    /** The filter as an HQL {@code where} over {@code Customer c}, its parameters put in {@code params}. */
    private static String where(Filter f, Map<String, Object> params) {
        StringBuilder where = new StringBuilder(" where c.shop = :shop");
        params.put("shop", f.shop());
        if (f.email() != null) {
            where.append(" and c.emailNormalized = :email");
            params.put("email", Emails.normalize(f.email()));
        }
        if (f.nameContains() != null) {
            where.append(" and lower(concat(coalesce(c.firstName, ''), ' ', coalesce(c.lastName, ''))) like :name"
                    + " escape '\\'");
            params.put("name", "%" + escapeLike(f.nameContains().toLowerCase()) + "%");
        }
        if ("CHECKOUT".equals(f.channel())) {
            where.append(" and c.checkoutBookings > 0");
        } else if ("INSTANT".equals(f.channel())) {
            where.append(" and c.instantBookings > 0");
        }
        if (f.bookedFrom() != null || f.bookedTo() != null) {
            where.append(" and exists (select 1 from Booking b where b.customer = c and b.bookedAt >= :from"
                    + " and b.bookedAt < :to)");
            params.put("from", startOf(f.bookedFrom() == null ? LocalDate.of(1970, 1, 1) : f.bookedFrom()));
            params.put("to", startOf(f.bookedTo() == null ? LocalDate.of(9999, 1, 1) : f.bookedTo().plusDays(1)));
        }
        return where.toString();
    }

    /** The customer with their bookings, when it belongs to the shop; null otherwise. */
    public Uni<Customer> withBookings(String shop, long id) {
        return sessions.withSession(s -> s.createSelectionQuery("select distinct c from Customer c"
                + " left join fetch c.bookings where c.id = :id and c.shop = :shop", Customer.class)
                .setParameter("id", id).setParameter("shop", shop).getSingleResultOrNull());
    }

    /** Bookings per day (UTC) and channel in [from, to], both inclusive. */
    public Uni<List<DayCount>> bookingsPerDay(String shop, LocalDate from, LocalDate to) {
        return sessions.withSession(s -> s.createNativeQuery("""
                select cast(date_trunc('day', booked_at at time zone 'UTC') as date), channel, count(*),
                       count(*) filter (where status = 'CANCELLED'), count(*) filter (where status = 'COMPLETED'),
                       count(*) filter (where status = 'NO_SHOW')
                from booking where shop = ?1 and booked_at >= ?2 and booked_at < ?3
                group by 1, 2 order by 1, 2""", Object[].class)
                .setParameter(1, shop).setParameter(2, startOf(from)).setParameter(3, startOf(to.plusDays(1)))
                .getResultList())
                .map(rows -> {
                    List<DayCount> days = new ArrayList<>();
                    for (Object[] r : rows) {
                        days.add(new DayCount(LocalDate.parse(r[0].toString()), (String) r[1],
                                ((Number) r[2]).longValue(), ((Number) r[3]).longValue(), ((Number) r[4]).longValue(),
                                ((Number) r[5]).longValue()));
                    }
                    return days;
                });
    }

    /**
     * The "who has booked" customers of [from, to]: those with a booking made in that range that is not cancelled.
     * The same rule as {@link #bookedCustomers}, restricted to the range, so the report's count and the segment
     * agree.
     */
    public Uni<Long> bookingCustomers(String shop, LocalDate from, LocalDate to) {
        return sessions.withSession(s -> s.createNativeQuery("select count(distinct customer_id) from booking"
                + " where shop = ?1 and booked_at >= ?2 and booked_at < ?3 and status <> 'CANCELLED'", Long.class)
                .setParameter(1, shop).setParameter(2, startOf(from)).setParameter(3, startOf(to.plusDays(1)))
                .getSingleResult());
    }

    /**
     * The "who has booked" segment: customers with at least one booking that is not cancelled. A booking counts
     * once its confirmation arrived (a cancel or reschedule that overtook it keeps booked_at null until then).
     */
    public Uni<List<Customer>> bookedCustomers(String shop) {
        return bookedCustomers(new Filter(shop, null, null, null, null, null));
    }

    /** The booked customers (a booking not cancelled) among those the filter finds, as the console's list shows them. */
    public Uni<List<Customer>> bookedCustomers(Filter f) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(f, params) + " and exists (select 1 from Booking b where b.customer = c"
                + " and b.status <> 'CANCELLED' and b.bookedAt is not null)";
        return sessions.withSession(s -> {
            var list = s.createSelectionQuery("from Customer c" + where + " order by c.id", Customer.class);
            params.forEach(list::setParameter);
            return list.getResultList();
        });
    }

    public Uni<List<DataExportView>> exports(String shop) {
        return sessions.withSession(s -> s.createNativeQuery("select id, data_request_id, requested_at,"
                + " cast(content as text) from data_export where shop = ?1 order by id", Object[].class)
                .setParameter(1, shop).getResultList())
                .map(rows -> rows.stream().map(r -> new DataExportView(((Number) r[0]).longValue(), shop,
                        r[1] == null ? null : ((Number) r[1]).longValue(), toOffsetDateTime(r[2]), json((String) r[3])))
                        .toList());
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored export is not JSON", e);
        }
    }

    private static OffsetDateTime toOffsetDateTime(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt;
        }
        if (value instanceof java.time.Instant instant) {
            return instant.atOffset(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(value.toString());
    }

    private static OffsetDateTime startOf(LocalDate day) {
        return day.atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
