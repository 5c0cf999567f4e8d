package io.customerflow.store.repository;

import java.util.HashSet;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * The ids of the events the store has applied ({@code processed_event}), written in the same transaction as their
 * effects: a redelivered event finds its id and changes nothing. Used by booking runs and privacy requests alike.
 */
@ApplicationScoped
public class ProcessedEvents {

    /** Records each event id; per id false when it was processed before (its effect must then be skipped). */
    public Uni<List<Boolean>> markProcessed(Mutiny.Session s, List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return s.createNativeQuery("insert into processed_event (event_id) select * from unnest(cast(?1 as varchar[]))"
                + " on conflict do nothing returning event_id", String.class)
                .setParameter(1, eventIds.toArray(String[]::new)).getResultList()
                .map(HashSet::new).map(recorded -> eventIds.stream().map(recorded::contains).toList());
    }

    /** Records one event id; false when it was processed before. */
    public Uni<Boolean> markProcessed(Mutiny.Session s, String eventId) {
        return markProcessed(s, List.of(eventId)).map(first -> first.get(0));
    }

    /** Whether the event id was processed, without recording it. */
    public Uni<Boolean> isProcessed(Mutiny.Session s, String eventId) {
        return s.createNativeQuery("select count(*) from processed_event where event_id = ?1", Long.class)
                .setParameter(1, eventId).getSingleResult().map(n -> n > 0);
    }
}
