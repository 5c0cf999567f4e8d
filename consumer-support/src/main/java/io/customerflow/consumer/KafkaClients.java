package io.customerflow.consumer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for a service's own topics (state kept in Kafka, outside the messaging channels), with the
 * service's {@code kafka.*} settings (bootstrap servers, TLS, SASL: the same map the messaging connector uses), so
 * they reach the cluster the events go to. Also creates those topics when missing ({@link #ensureTopics}).
 */
public final class KafkaClients {

    private final Map<String, Object> base;

    public KafkaClients(Map<String, Object> kafkaConfig) {
        this.base = new HashMap<>(kafkaConfig);
        // Connector-only settings the plain clients would warn about.
        base.keySet().removeIf(k -> k.startsWith("health") || k.startsWith("devservices") || k.startsWith("snappy"));
    }

    public Admin admin() {
        return Admin.create(new HashMap<>(base));
    }

    public KafkaProducer<String, byte[]> producer(String clientId) {
        Map<String, Object> p = new HashMap<>(base);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** A consumer that never commits: the state is always read from the beginning of a compacted topic. */
    public KafkaConsumer<String, byte[]> consumer(String clientId, String groupId, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(base);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(extra);
        return new KafkaConsumer<>(p);
    }

    /**
     * Creates the topics that don't exist yet (in a cluster the chart may declare them as Strimzi KafkaTopics);
     * answers each topic's partition count.
     *
     * @param what the settings that name the topics, for the start-up error
     */
    /**
     * Reads a whole topic from its start with a consumer of its own, then follows it until the loop stops: each record
     * to {@code apply}, {@code loaded} once the end the topic had at the start is reached. For the compacted state
     * topics (the redaction ledger, ingest's seen orders) read by a {@link SupervisedLoop}.
     */
    public void readAndFollow(String clientId, String topic, SupervisedLoop loop,
            Consumer<ConsumerRecord<String, byte[]>> apply,
            Runnable loaded) {
        readAndFollow(clientId, topic, loop, apply, loaded, positions -> {
        });
    }

    /** As above, telling {@code positions} where the reader stands in each partition after every poll. */
    public void readAndFollow(String clientId, String topic, SupervisedLoop loop,
            Consumer<ConsumerRecord<String, byte[]>> apply, Runnable loaded,
            Consumer<Map<TopicPartition, Long>> positions) {
        readAndFollow(clientId, topic, Map.of(), loop, apply, loaded, positions);
    }

    /** As above, with consumer properties of its own ({@code extra}: a reader that may fetch less often, say). */
    public void readAndFollow(String clientId, String topic, Map<String, Object> extra, SupervisedLoop loop,
            Consumer<ConsumerRecord<String, byte[]>> apply, Runnable loaded,
            Consumer<Map<TopicPartition, Long>> positions) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(clientId, null, extra)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            boolean reachedEnd = false;
            while (loop.running()) {
                consumer.poll(Duration.ofMillis(500)).forEach(apply);
                loop.up();
                Map<TopicPartition, Long> at = new java.util.HashMap<>();
                partitions.forEach(p -> at.put(p, consumer.position(p)));
                positions.accept(at);
                if (!reachedEnd && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    reachedEnd = true;
                    loaded.run();
                }
            }
        }
    }

    /**
     * Waits until a state topic was read to the end it had at start ({@link #readAndFollow}'s {@code loaded}): a
     * consumer that needs the state is made only then, so no event waits for it on a consumer's thread.
     *
     * @throws IllegalStateException naming the topic and {@code kafka.bootstrap.servers} when it takes longer than a
     *         minute (start-up stops)
     */
    public static void awaitRead(java.util.concurrent.CountDownLatch loaded, String what, String topic) {
        try {
            if (!loaded.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(what + " " + topic + " was not read within 60 s: is Kafka reachable"
                        + " (kafka.bootstrap.servers)?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + what, e);
        }
    }

    /** Sends a record; the future completes when Kafka acknowledged it (or fails with the producer's error). */
    public static CompletableFuture<Void> send(KafkaProducer<String, byte[]> producer,
            ProducerRecord<String, byte[]> record) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        producer.send(record, (meta, e) -> {
            if (e == null) {
                ack.complete(null);
            } else {
                ack.completeExceptionally(e);
            }
        });
        return ack;
    }

    public Map<String, Integer> ensureTopics(List<NewTopic> topics, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = admin()) {
            while (true) {
                try {
                    return ensureTopics(admin, topics);
                } catch (ExecutionException e) {
                    // A topic a client just had the broker create (or one created here) can be briefly unknown to
                    // the broker answering the describe: retriable, so look again rather than fail the start.
                    if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the topics of " + what, e);
        } catch (Exception e) {
            throw new IllegalStateException("the topics of " + what + " can't be checked or created: "
                    + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> ensureTopics(Admin admin, List<NewTopic> topics) throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        for (NewTopic topic : topics) {
            if (existing.contains(topic.name())) {
                continue;
            }
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                System.getLogger(KafkaClients.class.getName()).log(System.Logger.Level.INFO, "created topic " + topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        Map<String, Integer> partitions = new HashMap<>();
        admin.describeTopics(topics.stream().map(NewTopic::name).toList()).allTopicNames()
                .get(30, TimeUnit.SECONDS).forEach((name, d) -> partitions.put(name, d.partitions().size()));
        return partitions;
    }
}
