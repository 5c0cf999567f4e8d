package io.customerflow.store.repository;

import java.time.OffsetDateTime;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * The store's writes in a Hibernate session, for privacy requests: the event id and the export. Booking writes are
 * {@link BookingWrites}. Every method runs in the caller's transaction.
 */
@ApplicationScoped
public class StoreWrites {

    /** Records the event id; false when it was processed before (the effect must then be skipped). */
    public Uni<Boolean> markProcessed(Mutiny.Session s, String eventId) {
        return s.createNativeQuery("insert into processed_event (event_id) values (?1) on conflict do nothing")
                .setParameter(1, eventId).executeUpdate().map(rows -> rows == 1);
    }

    /** Whether the event id was processed, without recording it. */
    public Uni<Boolean> isProcessed(Mutiny.Session s, String eventId) {
        return s.createNativeQuery("select count(*) from processed_event where event_id = ?1", Long.class)
                .setParameter(1, eventId).getSingleResult().map(n -> n > 0);
    }

    public Uni<Integer> saveExport(Mutiny.Session s, String shop, String subjectHash, Long dataRequestId,
            OffsetDateTime requestedAt, String json) {
        return s.createNativeQuery("insert into data_export (shop, subject_hash, data_request_id, requested_at, content)"
                + " values (?1, ?2, cast(?3 as bigint), ?4, cast(cast(?5 as text) as jsonb))")
                .setParameter(1, shop).setParameter(2, subjectHash).setParameter(3, dataRequestId)
                .setParameter(4, requestedAt).setParameter(5, json).executeUpdate();
    }
}
