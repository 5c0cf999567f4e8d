package io.customerflow.klaviyo.service;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.klaviyo.config.KlaviyoConfig;
import io.customerflow.klaviyo.service.PacingHandover.Snapshot;
import io.quarkus.logging.Log;

/**
 * The pacing topic as {@link PacingHandover} uses it: one compacted record per Klaviyo account (key = the account's
 * name), the last owner's snapshot of its recent request times or its marker. Creates the work and pacing topics,
 * writes snapshots (many in flight at once) and reads the last one of each account.
 */
final class PacingRecords {

    private final KlaviyoConfig.Routing routing;
    private final KafkaClients kafka;
    private final ObjectMapper json;
    private final String instance;
    private KafkaProducer<String, byte[]> producer;
    private boolean topicsEnsured;

    PacingRecords(KlaviyoConfig.Routing routing, KafkaClients kafka, ObjectMapper json, String instance) {
        this.routing = routing;
        this.kafka = kafka;
        this.json = json;
        this.instance = instance;
    }

    /**
     * The two topics, created when missing (the work topic with {@code klaviyo.routing.work-partitions}, unless a
     * client's first request had the broker create it with its default count: accounts are placed on the topic's real
     * count either way). Also before the first rebalance: the work consumer may be assigned its partitions before the
     * start event, and a pacing record written first would have the broker create the topic with its default count
     * ({@link #latest} reads every partition of it, whatever the count).
     */
    synchronized void ensureTopics() {
        if (topicsEnsured) {
            return;
        }
        kafka.ensureTopics(List.of(
                new NewTopic(routing.workTopic(), Optional.of(routing.workPartitions()), Optional.empty()),
                new NewTopic(routing.pacingTopic(), Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
                "klaviyo-service (klaviyo.routing.work-topic, klaviyo.routing.pacing-topic)");
        topicsEnsured = true;
    }

    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = kafka.producer("klaviyo-pacing-" + instance);
        }
        return producer;
    }

    /** A record of the work topic sent on under another account's key; completes when Kafka has it. */
    java.util.concurrent.CompletableFuture<Void> forward(String account, ConsumerRecord<String, byte[]> record) {
        return KafkaClients.send(producer(), new ProducerRecord<>(routing.workTopic(), null, account, record.value(),
                record.headers()));
    }

    /** Sends an account's record; the future completes when Kafka has it. */
    java.util.concurrent.Future<?> send(String account, Snapshot snapshot) {
        try {
            return producer().send(new ProducerRecord<>(routing.pacingTopic(), account,
                    json.writeValueAsBytes(snapshot)));
        } catch (Exception e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    /** Waits for Kafka's acks of the records sent (all in flight at once: a thousand accounts take one round trip). */
    static void awaitWritten(Map<String, java.util.concurrent.Future<?>> sent) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Map.Entry<String, java.util.concurrent.Future<?>> w : sent.entrySet()) {
            try {
                w.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // The next owner then finds the previous record: at worst a marker, and it waits the history out.
                Log.warnf("klaviyo account %s: pacing record not written (%s)", w.getKey(), e.getClass().getSimpleName());
            }
        }
    }

    /** The last record of each account, read from the start of the compacted pacing topic to its end. */
    Map<String, Snapshot> latest(List<String> names) {
        java.util.Set<String> accounts = new java.util.HashSet<>(names);
        Map<String, Snapshot> latest = new HashMap<>();
        String topic = routing.pacingTopic();
        try (var consumer = kafka.consumer("klaviyo-pacing-reader-" + instance, null, Map.of())) {
            // Every partition: a key always lands on one, but the count may not be the 1 it is created with.
            List<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(10));
            while (tps.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(10)) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (accounts.contains(r.key())) {
                        latest.put(r.key(), json.readValue(r.value(), Snapshot.class));
                    }
                }
            }
        } catch (Exception e) {
            // Not knowing the history is the unknown case: the accounts get a marker of a stranger.
            Log.warnf("klaviyo pacing topic unreadable (%s): waiting out the history", e.getClass().getSimpleName());
            accounts.forEach(a -> latest.put(a, new Snapshot("unknown", false, 0, Map.of())));
        }
        return latest;
    }
}
