package io.customerflow.store.repository;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/** The console's own reads, beside {@link CustomerQueries}: which shops hold data, and the redactions applied. */
@ApplicationScoped
public class ConsoleQueries {

    /** A redaction request as the privacy page shows it: shop, kind and time only. */
    public record Redaction(String shop, String kind, OffsetDateTime requestedAt, OffsetDateTime appliedAt) {
    }

    private final Mutiny.SessionFactory sessions;

    public ConsoleQueries(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Shops with customers or redactions, for an operator whose token reads every shop. */
    public Uni<List<String>> shops() {
        return sessions.withSession(s -> s.createNativeQuery("select shop from customer union select shop from"
                + " redaction_request union select shop from data_export order by 1", String.class).getResultList());
    }

    /** The shop's bookings made since then (the shop page's "bookings in the last 24 h"). */
    public Uni<Long> bookingsSince(String shop, OffsetDateTime since) {
        return sessions.withSession(s -> s.createNativeQuery("select count(*) from booking where shop = ?1"
                + " and booked_at >= ?2", Long.class).setParameter(1, shop).setParameter(2, since).getSingleResult());
    }

    /** The shop's redaction requests, newest first. */
    public Uni<List<Redaction>> redactions(String shop, int limit) {
        return sessions.withSession(s -> s.createNativeQuery("select kind, requested_at, applied_at from"
                + " redaction_request where shop = ?1 order by requested_at desc, id desc limit ?2", Object[].class)
                .setParameter(1, shop).setParameter(2, limit).getResultList())
                .map(rows -> {
                    List<Redaction> out = new ArrayList<>();
                    for (Object[] r : rows) {
                        out.add(new Redaction(shop, (String) r[0], time(r[1]), time(r[2])));
                    }
                    return out;
                });
    }

    private static OffsetDateTime time(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t;
        }
        if (value instanceof java.time.Instant i) {
            return i.atOffset(java.time.ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(value.toString().replace(' ', 'T'));
    }
}
