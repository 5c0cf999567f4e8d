package io.customerflow.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded set of recently seen ids (oldest evicted first): a cheap first filter for repeats (webhook
 * deliveries at ingest's door, redelivered events at a consumer). It saves work; the guarantee stays the
 * idempotence of each effect per {@code ce_id}, since this set forgets and is not shared between replicas.
 */
public final class RecentIds {

    private final Map<String, Boolean> ids;

    public RecentIds(int capacity) {
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized boolean contains(String id) {
        return ids.containsKey(id);
    }

    public synchronized void add(String id) {
        ids.put(id, Boolean.TRUE);
    }
}
