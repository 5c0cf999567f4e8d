package io.customerflow.store.repository;

import java.time.OffsetDateTime;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/** The exports of {@code customers/data_request}s, kept for the merchant to fetch (the console's privacy page). */
@ApplicationScoped
public class DataExportWrites {

    /** Keeps an export for the merchant, in the caller's transaction (the one that marks the request processed). */
    public Uni<Integer> saveExport(Mutiny.Session s, String shop, String subjectHash, Long dataRequestId,
            OffsetDateTime requestedAt, String json) {
        return s.createNativeQuery("insert into data_export (shop, subject_hash, data_request_id, requested_at, content)"
                + " values (?1, ?2, cast(?3 as bigint), ?4, cast(cast(?5 as text) as jsonb))")
                .setParameter(1, shop).setParameter(2, subjectHash).setParameter(3, dataRequestId)
                .setParameter(4, requestedAt).setParameter(5, json).executeUpdate();
    }
}
