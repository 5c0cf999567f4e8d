package io.customerflow.klaviyo.service;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * Which partition of the work topic carries a Klaviyo account: the one Kafka's default partitioner picks for the
 * account's name as key, so a record replayed from the dead-letter topic by key lands on the same partition.
 */
public final class AccountPartitions {

    private AccountPartitions() {
    }

    public static int of(String account, int partitions) {
        return Utils.toPositive(Utils.murmur2(account.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
