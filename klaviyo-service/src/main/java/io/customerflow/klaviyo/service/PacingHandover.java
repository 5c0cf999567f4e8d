package io.customerflow.klaviyo.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.klaviyo.client.KlaviyoClient;
import io.customerflow.klaviyo.client.KlaviyoClient.Endpoint;
import io.customerflow.klaviyo.config.KlaviyoConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Klaviyo's limits are per account, so exactly one replica paces an account at a time: the one assigned the
 * account's partition of the work topic ({@link AccountPartitions}). When a partition moves (a replica joins or
 * leaves), its accounts move with their recent request times: the replica giving them up stops them at once and
 * writes each account's starts of the last minute to the compacted pacing topic; the one taking them over counts
 * those starts against the limits before it sends. If the last record of an account is only an owner's marker (the
 * owner died or lost the partition without handing over), its starts are unknown: the new owner waits out the
 * longest window (a minute) before sending for that account. Either way the deployment never exceeds the limits.
 */
@ApplicationScoped
public class PacingHandover {

    /** Klaviyo's longest window: what an unknown history is waited out for. */
    static final Duration LONGEST_WINDOW = Duration.ofMinutes(1);

    /** One account's pacing as the last owner left it. */
    record Snapshot(String owner, boolean handedOver, long at, Map<Endpoint, List<Long>> starts) {
    }

    private final KlaviyoConfig config;
    private final KlaviyoAccounts accounts;
    private final KlaviyoDelivery delivery;
    private final KlaviyoClient client;
    private final MeterRegistry metrics;
    private final String instance = UUID.randomUUID().toString();
    private final PacingRecords records;
    /** Partitions of the work topic this replica holds, and the topic's partition count when they were assigned. */
    private final java.util.Set<Integer> assigned = new java.util.HashSet<>();
    private int partitions;
    /** Accounts taken over here and not given up since, with their keys. */
    private final Map<String, String> paced = new java.util.concurrent.ConcurrentHashMap<>();

    public PacingHandover(KlaviyoConfig config, KlaviyoAccounts accounts, KlaviyoDelivery delivery, KlaviyoClient client, ObjectMapper json,
            MeterRegistry metrics, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.config = config;
        this.accounts = accounts;
        this.delivery = delivery;
        this.client = client;
        this.metrics = metrics;
        this.records = new PacingRecords(config.routing(), new KafkaClients(kafkaConfig), json, instance);
    }

    /** The work and pacing topics, created when missing ({@link PacingRecords#ensureTopics}). */
    void onStart(@Observes StartupEvent start) {
        records.ensureTopics();
    }

    @PreDestroy
    void close() {
        records.close();
    }

    /** Partitions assigned to this replica: their accounts are paced here from now on. */
    public synchronized void takeOver(Collection<TopicPartition> assigned,
            org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {
        records.ensureTopics(); // before the start event too: a rebalance may come first
        List<String> accounts = accountsOn(assigned, consumer);
        assigned.stream().filter(tp -> tp.topic().equals(config.routing().workTopic()))
                .forEach(tp -> this.assigned.add(tp.partition()));
        if (!accounts.isEmpty()) {
            takeOver(accounts);
        }
    }

    /**
     * An account this replica has not paced yet (a shop of the registry connected a new key after the partitions were
     * assigned) whose work arrived here: taken over like the others when its partition is this replica's.
     *
     * @return whether this replica paces the account now
     */
    public synchronized boolean takeOverLate(String account) {
        if (paced.containsKey(account)) {
            return true;
        }
        if (partitions == 0 || !assigned.contains(AccountPartitions.of(account, partitions))
                || this.accounts.named(account).isEmpty()) {
            return false;
        }
        takeOver(List.of(account));
        return paced.containsKey(account); // not when the account left the registry meanwhile
    }

    /** Whether the account's work partition is assigned to this replica (it sends the account's work). */
    public synchronized boolean owns(String account) {
        return partitions != 0 && assigned.contains(AccountPartitions.of(account, partitions));
    }

    /** Whether this replica paces the account now. */
    public boolean paces(String account) {
        return paced.containsKey(account);
    }

    /**
     * Work whose shop moved to another account (its Klaviyo key changed) after it was routed goes to that account's
     * partition, so that its one pacer sends it; completes when Kafka holds it.
     */
    public java.util.concurrent.CompletableFuture<Void> reroute(String account, ConsumerRecord<String, byte[]> record) {
        metrics.counter("klaviyo.rerouted").increment();
        return records.forward(account, record);
    }

    private void takeOver(List<String> names) {
        Map<String, Snapshot> latest = records.latest(names);
        Map<String, KlaviyoAccounts.Account> known = this.accounts.all();
        Map<String, java.util.concurrent.Future<?>> markers = new HashMap<>();
        for (String account : names) {
            if (!known.containsKey(account)) {
                continue;
            }
            String apiKey = known.get(account).apiKey();
            Snapshot last = latest.get(account);
            var limiters = client.limiters(apiKey);
            long nowNanos = System.nanoTime();
            long nowMillis = System.currentTimeMillis();
            if (last == null || last.owner().equals(instance)) {
                // Never paced elsewhere, or last paced here (this replica's limiters hold its own history).
            } else if (last.handedOver()) {
                last.starts().forEach((endpoint, starts) -> limiters.get(endpoint).seed(starts, nowNanos, nowMillis));
                Log.infof("klaviyo account %s taken over with %d requests of the last minute", account,
                        last.starts().values().stream().mapToInt(List::size).sum());
                metrics.counter("klaviyo.pacing.takeovers", "handed_over", "true").increment();
            } else {
                Log.infof("klaviyo account %s: its last owner stopped without handing over; waiting %d s before"
                        + " sending for it", account, LONGEST_WINDOW.toSeconds());
                limiters.values().forEach(l -> l.blockUntil(nowNanos + LONGEST_WINDOW.toNanos()));
                metrics.counter("klaviyo.pacing.takeovers", "handed_over", "false").increment();
            }
            delivery.takeOver(apiKey);
            paced.put(account, apiKey);
            // A marker: should this replica die, the next owner knows it must wait the history out.
            markers.put(account, records.send(account, new Snapshot(instance, false, nowMillis, Map.of())));
        }
        PacingRecords.awaitWritten(markers);
    }

    /**
     * Partitions revoked from this replica: their accounts stop here at once and, when {@code handOver}, their
     * recent starts are written for the next owner (not when the partitions were lost: another owner has them).
     */
    public synchronized void giveUp(Collection<TopicPartition> revoked,
            org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, boolean handOver) {
        records.ensureTopics(); // before the start event too: a rebalance may come first
        revoked.stream().filter(tp -> tp.topic().equals(config.routing().workTopic()))
                .forEach(tp -> assigned.remove(tp.partition()));
        Map<String, java.util.concurrent.Future<?>> handedOver = new HashMap<>();
        for (String account : accountsOn(revoked, consumer)) {
            String apiKey = paced.remove(account);
            if (apiKey == null) {
                continue; // never paced here: nothing to stop, no history to hand over
            }
            delivery.handOver(apiKey);
            if (handOver) {
                long nowNanos = System.nanoTime();
                long nowMillis = System.currentTimeMillis();
                Map<Endpoint, List<Long>> starts = new EnumMap<>(Endpoint.class);
                client.limiters(apiKey).forEach((endpoint, l) -> starts.put(endpoint, l.recentStarts(nowNanos,
                        nowMillis)));
                handedOver.put(account, records.send(account, new Snapshot(instance, true, nowMillis, starts)));
                Log.infof("klaviyo account %s handed over with %d requests of the last minute", account,
                        starts.values().stream().mapToInt(List::size).sum());
                metrics.counter("klaviyo.pacing.handovers").increment();
            }
        }
        PacingRecords.awaitWritten(handedOver);
    }

    /** The accounts whose work the partitions carry, on the work topic's real partition count. */
    private List<String> accountsOn(Collection<TopicPartition> tps, org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {
        List<String> accounts = new ArrayList<>();
        if (tps.isEmpty()) {
            return accounts;
        }
        int partitions = consumer.partitionsFor(config.routing().workTopic(), Duration.ofSeconds(10)).size();
        this.partitions = partitions;
        java.util.Set<String> known = new java.util.HashSet<>(this.accounts.names());
        known.addAll(paced.keySet()); // an account paced here whose key left the registry since: still given up
        for (TopicPartition tp : tps) {
            if (tp.topic().equals(config.routing().workTopic())) {
                known.stream().filter(a -> AccountPartitions.of(a, partitions) == tp.partition())
                        .forEach(accounts::add);
            }
        }
        return accounts;
    }
}
