package io.customerflow.ingest.service;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded set of recently seen ids (oldest evicted first), to drop exact repeat deliveries at the door
 * without a round trip to Kafka. Downstream dedupe by {@code ce_id} stays the guarantee; this only saves work.
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
