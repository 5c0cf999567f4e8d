package io.customerflow.infra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test-side Kafka access: create topics, produce records, and read what arrives on topics from now on. */
public final class KafkaTestClient implements AutoCloseable {

    /** Topics this JVM made or found, per broker: a test's tail need not ask the broker again. */
    private static final Set<String> KNOWN_TOPICS = ConcurrentHashMap.newKeySet();

    private final String bootstrap;
    private KafkaProducer<String, byte[]> producer;

    public KafkaTestClient(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Creates the topics (3 partitions) unless they exist. */
    public void createTopics(String... topics) {
        if (Arrays.stream(topics).allMatch(t -> KNOWN_TOPICS.contains(bootstrap + "/" + t))) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create " + topic, e);
                    }
                }
                KNOWN_TOPICS.add(bootstrap + "/" + topic);
            }
        } catch (Exception e) {
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("cannot create topics", e);
        }
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public void send(String topic, String key, Headers headers, byte[] value) {
        try {
            producer().send(new ProducerRecord<>(topic, null, key, value, headers)).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /** Sends many records at once (no wait between them) and waits until the broker acknowledged them all. */
    public void sendAll(String topic, List<Map.Entry<String, byte[]>> records) {
        List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
        for (Map.Entry<String, byte[]> r : records) {
            sent.add(producer().send(new ProducerRecord<>(topic, r.getKey(), r.getValue())));
        }
        producer().flush();
        try {
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(20, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /** Starts reading the topics at their current end: only records sent after this call are seen. */
    public Tail tail(String... topics) {
        createTopics(topics);
        return new Tail(bootstrap, Set.of(topics));
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Records arriving on some topics after a point in time. */
    public static final class Tail implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

        Tail(String bootstrap, Collection<String> topics) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(20))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve "end" now, not at first poll
        }

        /** How many partitions the topic has. */
        public int partitions(String topic) {
            return consumer.partitionsFor(topic, Duration.ofSeconds(20)).size();
        }

        /** Polls until {@code count} records matching the filter arrived, or the timeout passed; returns them. */
        public List<ConsumerRecord<String, byte[]>> await(int count, Predicate<ConsumerRecord<String, byte[]>> filter,
                Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (matching(filter).size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            return matching(filter);
        }

        public List<ConsumerRecord<String, byte[]>> await(int count, Duration timeout) {
            return await(count, r -> true, timeout);
        }

        /**
         * Everything on the topics up to their end right now. A service that answers only after Kafka acknowledged
         * its records (ingest) has nothing in flight once it answered: what this returns is all it published, with
         * no window to wait out.
         */
        public List<ConsumerRecord<String, byte[]>> toEnd() {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(20));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read up to the end offsets " + end);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
            return List.copyOf(seen);
        }

        /** Everything that arrived within the window: to prove that nothing (more) was published asynchronously. */
        public List<ConsumerRecord<String, byte[]>> drain(Duration window) {
            long deadline = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            return List.copyOf(seen);
        }

        private List<ConsumerRecord<String, byte[]>> matching(Predicate<ConsumerRecord<String, byte[]>> filter) {
            return seen.stream().filter(filter).toList();
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
