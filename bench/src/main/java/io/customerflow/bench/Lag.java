package io.customerflow.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Consumer-group lag: the bench waits for zero between phases, so one phase's backlog never counts in the next. */
final class Lag {

    /**
     * The three consumers, and ingest's own reader of orders.v1 (the bookings a product's tags reveal): it lags under
     * load too, and left out, its catching up ran into the next step on ingest's cores.
     */
    private static final List<String> GROUPS = List.of("customer-store", "tagging", "klaviyo", "ingest-booking-lookups");

    private Lag() {
    }

    static long total(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long lag = 0;
            for (String group : GROUPS) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                for (var e : committed.entrySet()) {
                    long end = ends.get(e.getKey()).offset();
                    lag += Math.max(0, end - (e.getValue() == null ? 0 : e.getValue().offset()));
                }
            }
            return lag;
        }
    }

    static void awaitZero(String bootstrap, java.time.Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lag;
        while ((lag = total(bootstrap)) > 0) {
            if (System.nanoTime() > deadline) {
                System.out.println("[bench] consumers still " + lag + " records behind after " + timeout);
                return;
            }
            Thread.sleep(1000);
        }
    }
}
