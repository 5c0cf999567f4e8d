package io.customerflow.consumer;

import java.time.Duration;
import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * The booking channel's rebalance listener ({@code consumer-rebalance-listener.name=booking-steps}): before the
 * records of a partition taken over are delivered, {@link BookingSteps} reads its topic to the end, so the steps the
 * partition's previous owner recorded are known. Runs on the consumer's polling thread, which may wait that long.
 */
@ApplicationScoped
@Identifier("booking-steps")
public class BookingStepsRebalanceListener implements KafkaConsumerRebalanceListener {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BookingSteps steps;

    public BookingStepsRebalanceListener(BookingSteps steps) {
        this.steps = steps;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            steps.awaitCaughtUp(WAIT);
        }
    }
}
