package io.customerflow.ingest.reconcile;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;
import io.customerflow.events.EventJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;

/**
 * Every shop's {@link PassState}, on a compacted one-partition topic. The topic is also how replicas agree who runs
 * the passes: they all join one consumer group on it, and the one the partition is assigned to reads it to the end,
 * then leads. Another replica takes over when the leader leaves, or {@code takeover-after} after it died.
 * Any replica may write (a backfill request, an uninstall); the leader learns of it by reading.
 */
final class PassStates implements AutoCloseable {

    private final String topic;
    private final KafkaClients kafka;
    private final KafkaProducer<String, byte[]> producer;
    private final String groupId;
    private final Duration takeoverAfter;
    private final Map<String, PassState> latest = new ConcurrentHashMap<>();
    private final SupervisedLoop reader;
    private volatile boolean leader;
    private volatile Long loadUpTo;

    PassStates(KafkaClients kafka, String topic, String groupId, Duration takeoverAfter, MeterRegistry registry) {
        this.topic = topic;
        this.kafka = kafka;
        this.groupId = groupId;
        this.takeoverAfter = takeoverAfter;
        this.producer = kafka.producer("ingest-reconcile-state-writer");
        this.reader = new SupervisedLoop("reconcile-state-reader", registry, this::read);
    }

    void start() {
        reader.start();
    }

    /** Whether this replica runs the passes now (it owns the partition and has read all states). */
    boolean leads() {
        return leader;
    }

    /** The leader's view of a key (what it has read so far). */
    Optional<PassState> get(String key) {
        return Optional.ofNullable(latest.get(key));
    }

    Collection<PassState> all() {
        return latest.values();
    }

    /** Completes when Kafka acknowledged the state. */
    CompletableFuture<Void> write(PassState state) {
        return KafkaClients.send(producer, new ProducerRecord<>(topic, state.key(), EventJson.toBytes(state)));
    }

    /**
     * A key's latest state read from the topic itself, for a replica that isn't the leader (or to be sure of what
     * Kafka holds): a short read of the whole compacted partition.
     */
    Optional<PassState> readFromTopic(String key) {
        try (KafkaConsumer<String, byte[]> once = kafka.consumer("ingest-reconcile-state-query", null, Map.of())) {
            TopicPartition p = new TopicPartition(topic, 0);
            once.assign(List.of(p));
            once.seekToBeginning(List.of(p));
            long end = once.endOffsets(List.of(p)).get(p);
            PassState found = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (once.position(p) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : once.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        found = r.value() == null ? null : EventJson.fromBytes(r.value(), PassState.class);
                    }
                }
            }
            return Optional.ofNullable(found);
        }
    }

    /**
     * Joins the group and, while assigned the partition, reads it to the end, then leads. A failure (Kafka away at
     * start, a timeout) steps down; the loop joins again with a new consumer.
     */
    private void read(SupervisedLoop loop) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer("ingest-reconcile-state-reader", groupId, Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) takeoverAfter.toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1000, takeoverAfter.toMillis() / 4)))) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) {
                        latest.clear();
                        consumer.seekToBeginning(List.of(partition));
                        loadUpTo = consumer.endOffsets(List.of(partition)).get(partition);
                    }
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) {
                        stepDown("the partition was revoked");
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    onPartitionsRevoked(partitions);
                }
            });
            while (loop.running()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                loop.up();
                Long upTo = loadUpTo;
                if (!leader && upTo != null && consumer.position(partition) >= upTo) {
                    leader = true;
                    Log.infof("reconciler: this replica runs the passes (%d shop states read from %s)",
                            latest.size(), topic);
                }
            }
        } finally {
            stepDown(loop.running() ? "reading " + topic + " failed" : "closing");
        }
    }

    private void stepDown(String why) {
        if (leader) {
            Log.infof("reconciler: this replica stops running passes (%s)", why);
        }
        leader = false;
        loadUpTo = null;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            latest.remove(r.key());
            return;
        }
        try {
            latest.put(r.key(), EventJson.fromBytes(r.value(), PassState.class));
        } catch (RuntimeException e) {
            Log.warnf("reconciler: unreadable state at %s@%d skipped", r.topic(), r.offset());
        }
    }

    @Override
    public void close() {
        reader.close();
        producer.close(Duration.ofSeconds(5));
    }
}
