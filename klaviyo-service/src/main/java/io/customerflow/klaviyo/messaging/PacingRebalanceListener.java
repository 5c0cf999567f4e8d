package io.customerflow.klaviyo.messaging;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.customerflow.klaviyo.service.PacingHandover;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * The work channel's rebalance listener ({@code consumer-rebalance-listener.name=klaviyo-pacing}): accounts move
 * with their partitions, and their pacing with them. Runs on the consumer's polling thread, before records of an
 * assigned partition are delivered and before a revoked partition is assigned elsewhere (cooperative protocol).
 */
@ApplicationScoped
@Identifier("klaviyo-pacing")
public class PacingRebalanceListener implements KafkaConsumerRebalanceListener {

    private final PacingHandover pacing;

    public PacingRebalanceListener(PacingHandover pacing) {
        this.pacing = pacing;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        pacing.takeOver(partitions, consumer);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        pacing.giveUp(partitions, consumer, true);
    }

    /** Lost (this replica was dropped from the group): another owner may be sending already, nothing to hand over. */
    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        pacing.giveUp(partitions, consumer, false);
    }
}
