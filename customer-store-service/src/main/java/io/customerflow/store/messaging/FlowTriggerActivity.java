package io.customerflow.store.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;
import io.customerflow.events.EventJson;
import io.customerflow.events.FlowTriggers;
import io.customerflow.events.ShopDomains;
import io.customerflow.store.config.StoreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * The Flow page's figures: per shop, which booking triggers its workflows use (the registry's trigger-use topic, as
 * ingest recorded Flow's lifecycle callbacks) and how many tagging sent or failed to send in the last 24 hours
 * (tagging's marks). One plain consumer without a group reads the use from its start and the marks from 24 hours
 * ago. Hostile by default: a record whose key isn't a shop and a trigger, or whose value doesn't parse, is skipped.
 */
@ApplicationScoped
public class FlowTriggerActivity {

    /** One trigger of one shop as the page shows it; {@code used} is null before Flow ever reported on it. */
    public record Row(String handle, String title, Boolean used, long sent, long failed) {
    }

    private static final Duration WINDOW = Duration.ofHours(24);

    private final String useTopic;
    private final String marksTopic;
    private final KafkaClients kafka;
    private final MeterRegistry registry;
    private final Map<String, Map<String, Boolean>> used = new HashMap<>();
    /** Per shop, trigger and outcome: when each mark was written, oldest first. */
    private final Map<List<String>, Deque<Instant>> marks = new HashMap<>();
    private SupervisedLoop loop;

    public FlowTriggerActivity(StoreConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            MeterRegistry registry) {
        this.useTopic = config.console().flowTriggersTopic();
        this.marksTopic = config.console().flowSentTopic();
        this.kafka = new KafkaClients(kafkaConfig);
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent start) {
        loop = new SupervisedLoop("flow-trigger-activity", registry, this::run).start();
    }

    @PreDestroy
    void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    /** The shop's five triggers: used or not, sent and refused in the last 24 hours. */
    public synchronized List<Row> rows(String shop) {
        Instant since = Instant.now().minus(WINDOW);
        List<Row> rows = new ArrayList<>();
        for (FlowTriggers t : FlowTriggers.values()) {
            rows.add(new Row(t.handle(), t.title(), used.getOrDefault(shop, Map.of()).get(t.handle()),
                    count(shop, t.handle(), "sent", since), count(shop, t.handle(), "failed", since)));
        }
        return rows;
    }

    private long count(String shop, String trigger, String outcome, Instant since) {
        Deque<Instant> at = marks.get(List.of(shop, trigger, outcome));
        if (at == null) {
            return 0;
        }
        while (!at.isEmpty() && at.peekFirst().isBefore(since)) {
            at.removeFirst();
        }
        return at.size();
    }

    /** Reads both topics (each as it appears); after a failure the loop starts over with nothing known. */
    private void run(SupervisedLoop supervisor) throws InterruptedException {
        synchronized (this) {
            used.clear();
            marks.clear();
        }
        TopicTail.follow(kafka, "store-console-flow", supervisor, List.of(useTopic, marksTopic), this::seek,
                this::add);
    }

    /** The trigger use from its start, the marks from 24 hours ago. */
    private void seek(KafkaConsumer<String, byte[]> c, List<TopicPartition> added) {
        long since = Instant.now().minus(WINDOW).toEpochMilli();
        Map<TopicPartition, Long> times = new HashMap<>();
        added.stream().filter(tp -> tp.topic().equals(marksTopic)).forEach(tp -> times.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> from = times.isEmpty() ? Map.of() : c.offsetsForTimes(times);
        for (TopicPartition tp : added) {
            OffsetAndTimestamp at = from.get(tp);
            if (at != null) {
                c.seek(tp, at.offset());
            } else if (tp.topic().equals(marksTopic)) {
                c.seekToEnd(List.of(tp)); // nothing in the window yet
            } else {
                c.seekToBeginning(List.of(tp));
            }
        }
    }

    private synchronized void add(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(useTopic)) {
                addUse(r);
            } else if (r.value() != null) {
                JsonNode mark = EventJson.mapper().readTree(r.value());
                String shop = mark.path("shop").asText("");
                String trigger = mark.path("trigger").asText("");
                String outcome = mark.path("outcome").asText("");
                if (ShopDomains.isValid(shop) && FlowTriggers.identified(trigger).isPresent()
                        && (outcome.equals("sent") || outcome.equals("failed"))) {
                    Deque<Instant> at = marks.computeIfAbsent(List.of(shop, trigger, outcome), k -> new ArrayDeque<>());
                    at.addLast(Instant.ofEpochMilli(r.timestamp()));
                    // Bounded by the window, page views or not: the oldest go as new ones come.
                    Instant since = Instant.now().minus(WINDOW);
                    while (!at.isEmpty() && at.peekFirst().isBefore(since)) {
                        at.removeFirst();
                    }
                }
            }
        } catch (java.io.IOException | RuntimeException unreadable) {
            // skipped: one bad record never stops the page's figures
        }
    }

    /** One trigger's use: key {@code {shop}/{handle}}, value {@code {enabled, at}}, a tombstone once uninstalled. */
    private void addUse(ConsumerRecord<String, byte[]> r) throws java.io.IOException {
        int slash = r.key() == null ? -1 : r.key().lastIndexOf('/');
        if (slash < 0) {
            return;
        }
        String shop = r.key().substring(0, slash);
        String handle = r.key().substring(slash + 1);
        if (!ShopDomains.isValid(shop) || FlowTriggers.identified(handle).isEmpty()) {
            return;
        }
        JsonNode use = r.value() == null ? null : EventJson.mapper().readTree(r.value());
        if (use == null || !use.path("enabled").isBoolean()) {
            used.computeIfPresent(shop, (s, m) -> {
                m.remove(handle);
                return m.isEmpty() ? null : m;
            });
            return;
        }
        used.computeIfAbsent(shop, s -> new HashMap<>()).put(handle, use.path("enabled").asBoolean());
    }
}
