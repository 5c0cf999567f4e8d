package io.customerflow.store.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;

/**
 * The console's way of reading a few small topics: one plain consumer without a group (nothing committed: each start
 * reads again), which picks up a topic when it appears (a dead-letter topic with its first dead letter, tagging's
 * marks with its first start) and follows every partition while the loop runs.
 */
final class TopicTail {

    private static final Duration LOOK_FOR_TOPICS = Duration.ofSeconds(10);

    private TopicTail() {
    }

    /**
     * @param seekAdded places the consumer on partitions just assigned (from their start, from a time...)
     * @param apply each record read
     */
    static void follow(KafkaClients kafka, String clientId, SupervisedLoop supervisor, Collection<String> topics,
            BiConsumer<KafkaConsumer<String, byte[]>, List<TopicPartition>> seekAdded,
            Consumer<ConsumerRecord<String, byte[]>> apply) throws InterruptedException {
        Set<TopicPartition> assigned = new HashSet<>();
        long lookedAt = 0;
        try (KafkaConsumer<String, byte[]> c = kafka.consumer(clientId, null, Map.of())) {
            while (supervisor.running()) {
                if (System.nanoTime() - lookedAt > LOOK_FOR_TOPICS.toNanos()) {
                    lookedAt = System.nanoTime();
                    List<TopicPartition> added = new ArrayList<>();
                    Map<String, List<PartitionInfo>> present = c.listTopics(Duration.ofSeconds(5));
                    for (String topic : topics) {
                        for (PartitionInfo p : present.getOrDefault(topic, List.of())) {
                            TopicPartition tp = new TopicPartition(topic, p.partition());
                            if (assigned.add(tp)) {
                                added.add(tp);
                            }
                        }
                    }
                    if (!added.isEmpty()) {
                        c.assign(assigned);
                        seekAdded.accept(c, added);
                    }
                    supervisor.up();
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(1_000);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) {
                    apply.accept(r);
                }
                supervisor.up();
            }
        }
    }
}
