package io.customerflow.ingest.reconcile;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import io.quarkus.logging.Log;

/**
 * The reconciler's two compacted topics, created at start when missing (in a cluster the chart may create them as
 * Strimzi KafkaTopics instead). The state topic has one partition: whoever is assigned it runs the passes.
 */
final class StateTopics {

    private StateTopics() {
    }

    static void ensure(KafkaClients kafka, String stateTopic, String seenTopic) {
        try (Admin admin = kafka.admin()) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            for (NewTopic topic : List.of(
                    new NewTopic(stateTopic, Optional.of(1), Optional.empty()).configs(compacted),
                    new NewTopic(seenTopic, Optional.of(3), Optional.empty()).configs(compacted))) {
                if (existing.contains(topic.name())) {
                    continue;
                }
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    Log.infof("reconciler: created compacted topic %s", topic.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the reconciler's topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("the reconciler's topics (ingest.reconcile.state-topic, "
                    + "ingest.reconcile.seen-topic) can't be checked or created: " + e.getMessage(), e);
        }
    }
}
