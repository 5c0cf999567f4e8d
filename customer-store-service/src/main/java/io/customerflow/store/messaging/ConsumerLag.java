package io.customerflow.store.messaging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.customerflow.consumer.KafkaClients;
import io.smallrye.common.annotation.Identifier;

/**
 * Consumer lag as Kafka sees it: for a group on a topic, the records not yet committed (end offset less committed
 * offset, summed over the topic's partitions). Asked when the sync-health page is shown; nothing is cached.
 */
@ApplicationScoped
public class ConsumerLag {

    /** A group's lag on a topic; {@code error} set (and lag -1) when Kafka couldn't be asked. */
    public record Lag(String group, String topic, long lag, int partitions, String error) {
    }

    private final KafkaClients kafka;
    private Admin admin;

    public ConsumerLag(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.kafka = new KafkaClients(kafkaConfig);
    }

    /** @param groupAtTopic {@code group@topic} */
    public Lag of(String groupAtTopic) {
        int at = groupAtTopic.indexOf('@');
        String group = groupAtTopic.substring(0, at);
        String topic = groupAtTopic.substring(at + 1);
        try {
            Admin a = admin();
            var description = a.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
            List<TopicPartition> partitions = new ArrayList<>();
            description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = a.listOffsets(latest).all()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                lag += Math.max(0, ends.get(tp).offset() - (c == null ? 0 : c.offset()));
            }
            return new Lag(group, topic, lag, partitions.size(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lag(group, topic, -1, 0, "interrupted");
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Lag(group, topic, -1, 0, cause.getClass().getSimpleName());
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = kafka.admin();
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
