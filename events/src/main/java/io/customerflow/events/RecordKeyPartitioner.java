package io.customerflow.events;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

/**
 * Partitions a {@link RecordKeys.Key} by its basis, exactly as Kafka's default partitioner partitions a key
 * ({@code murmur2 % partitions}): a customer's records land where their readable keys used to, so the switch to
 * hashed keys reorders no one's events. Any other key is partitioned by its bytes, as by default; a record without
 * a key goes to any partition. Configured as the producer's {@code partitioner.class} with
 * {@link RecordKeySerializer}.
 */
public class RecordKeyPartitioner implements Partitioner {

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        int partitions = cluster.partitionsForTopic(topic).size();
        byte[] basis = key instanceof RecordKeys.Key k ? k.basis().getBytes(StandardCharsets.UTF_8) : keyBytes;
        if (basis == null) {
            return ThreadLocalRandom.current().nextInt(partitions);
        }
        return partition(basis, partitions);
    }

    /** Kafka's default partition of a key's bytes. */
    public static int partition(byte[] keyBytes, int partitions) {
        return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
