package io.customerflow.ingest.reconcile;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import io.customerflow.consumer.KafkaClients;

/**
 * The reconciler's two compacted topics, created at start when missing (in a cluster the chart may create them as
 * Strimzi KafkaTopics instead). The state topic has one partition: whoever is assigned it runs the passes.
 */
final class StateTopics {

    private StateTopics() {
    }

    static void ensure(KafkaClients kafka, String stateTopic, String seenTopic) {
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        kafka.ensureTopics(List.of(new NewTopic(stateTopic, Optional.of(1), Optional.empty()).configs(compacted),
                new NewTopic(seenTopic, Optional.of(3), Optional.empty()).configs(compacted)),
                "the reconciler (ingest.reconcile.state-topic, ingest.reconcile.seen-topic)");
    }
}
