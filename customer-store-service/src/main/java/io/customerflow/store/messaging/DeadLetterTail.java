package io.customerflow.store.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.consumer.DeadLetters;
import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;
import io.customerflow.events.ShopDomains;
import io.customerflow.events.Topics;
import io.customerflow.store.config.StoreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Reads every consumer's dead-letter topic from the start and keeps, per consumer, the count per reason and the
 * newest records (event id, type, reason, time, shop: never the payload), for the console's sync-health page. A
 * dead-letter topic is small and rarely written; one plain consumer without a group tails them all, and picks up a
 * topic the first dead letter creates.
 */
@ApplicationScoped
public class DeadLetterTail {

    /**
     * One dead letter as the console lists it.
     *
     * @param word the reason word ({@code DeadLetterReason}'s tag), {@code -} for a dead letter written before words
     * @param reason the failure's message, shortened
     */
    public record Entry(String shop, String eventId, String type, String word, String reason, Instant at) {
    }

    /** What a reader may see of one consumer's dead letters: counted per reason word. */
    public record Summary(long total, Map<String, Long> perReason, List<Entry> newest) {
    }

    private static final int KEPT = 200;
    private static final Set<String> WORDS = java.util.Arrays.stream(DeadLetterReason.values())
            .map(DeadLetterReason::tag).collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final int REASON_CHARS = 200;

    private final Map<String, String> consumerByTopic = new LinkedHashMap<>();
    private final Map<String, Deque<Entry>> entries = new HashMap<>();
    /** Per consumer: count per shop and reason word, over every dead letter read (the entries keep the newest only). */
    private final Map<String, Map<List<String>, Long>> counts = new HashMap<>();
    private final KafkaClients kafka;
    private final MeterRegistry registry;
    private SupervisedLoop loop;

    public DeadLetterTail(StoreConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            MeterRegistry registry) {
        this.registry = registry;
        new TreeMap<>(config.console().consumers()).keySet().forEach(name -> {
            consumerByTopic.put(Topics.deadLetter(name), name);
            entries.put(name, new ArrayDeque<>());
            counts.put(name, new HashMap<>());
        });
        this.kafka = new KafkaClients(kafkaConfig);
    }

    void onStart(@Observes StartupEvent start) {
        loop = new SupervisedLoop("dead-letter-tail", registry, this::run).start();
    }

    @PreDestroy
    void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    /** One consumer's dead letters that {@code visible} lets the reader see (their shop), newest first. */
    public synchronized Summary summary(String consumerName, Predicate<String> visible, int newest) {
        Map<String, Long> perReason = new TreeMap<>();
        long total = 0;
        for (var count : counts.getOrDefault(consumerName, Map.of()).entrySet()) {
            if (visible.test(count.getKey().get(0))) {
                perReason.merge(count.getKey().get(1), count.getValue(), Long::sum);
                total += count.getValue();
            }
        }
        List<Entry> latest = new ArrayList<>();
        var it = entries.getOrDefault(consumerName, new ArrayDeque<>()).descendingIterator();
        while (it.hasNext() && latest.size() < newest) {
            Entry e = it.next();
            if (visible.test(e.shop())) {
                latest.add(e);
            }
        }
        return new Summary(total, perReason, latest);
    }

    /** Reads every dead-letter topic from its start; after a failure the loop starts over with empty counts. */
    private void run(SupervisedLoop supervisor) throws InterruptedException {
        synchronized (this) {
            entries.values().forEach(Deque::clear);
            counts.values().forEach(Map::clear);
        }
        TopicTail.follow(kafka, "store-console-dead-letters", supervisor, consumerByTopic.keySet(),
                KafkaConsumer::seekToBeginning, this::add);
    }

    private synchronized void add(ConsumerRecord<String, byte[]> r) {
        String name = consumerByTopic.get(r.topic());
        Deque<Entry> kept = entries.get(name);
        String reason = header(r, "dead-letter-reason");
        if (reason.length() > REASON_CHARS) {
            reason = reason.substring(0, REASON_CHARS) + "…";
        }
        String shop = shopOf(r.key());
        String word = header(r, DeadLetters.REASON_WORD_HEADER);
        word = WORDS.contains(word) ? word : "-"; // hostile by default: only the words there are
        kept.addLast(new Entry(shop, header(r, "ce_id"), header(r, "ce_type"), word, reason,
                Instant.ofEpochMilli(r.timestamp())));
        counts.get(name).merge(List.of(shop, word), 1L, Long::sum);
        if (kept.size() > KEPT) {
            kept.removeFirst();
        }
    }

    /** Keys are {@code {shop}/...} or the shop alone (see EventKeys); anything else belongs to no shop. */
    static String shopOf(String key) {
        if (key == null) {
            return "";
        }
        int slash = key.indexOf('/');
        String shop = slash < 0 ? key : key.substring(0, slash);
        return shop.matches(ShopDomains.PATTERN) ? shop : "";
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "-" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
