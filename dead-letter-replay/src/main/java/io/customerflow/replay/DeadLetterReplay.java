package io.customerflow.replay;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.customerflow.events.RecordKeyPartitioner;
import io.customerflow.events.RecordKeys;
import io.customerflow.events.Topics;

/**
 * Re-drives a consumer's dead letters once their cause is fixed: each record of {@code <consumer>.dlq.v1} not
 * replayed before goes back to the topic it came from (its {@code dead-letter-topic} header, else the consumer's input
 * topic), with its original key and headers (the dead-letter headers dropped). Every consumer's effects are
 * idempotent per {@code ce_id}, so the other consumers take the repeat as a duplicate. Progress is the committed
 * offset of group {@code customer-flow-replay-<consumer>}, moved only after Kafka acknowledged the replayed records:
 * a run replays what was dead-lettered before it started, each dead letter once.
 *
 * <pre>
 * replay &lt;customer-store|tagging|klaviyo|ingest&gt; [--config application.properties] [--bootstrap-servers host:port]
 * </pre>
 * Kafka settings: see {@link KafkaSettings}; without any, the local run's broker.
 */
public final class DeadLetterReplay {

    /** Each consumer's input topic: where a dead letter without an origin header came from. */
    public static final Map<String, String> INPUT_TOPICS = Map.of("customer-store", Topics.CUSTOMER_EVENTS,
            "tagging", Topics.ORDERS, "klaviyo", Topics.CUSTOMER_EVENTS, "ingest", Topics.ORDERS);

    static final String LOCAL_BROKER = "127.0.0.1:19092";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private DeadLetterReplay() {
    }

    public static void main(String[] args) {
        String consumer = null;
        Path file = null;
        Map<String, String> explicit = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> file = Path.of(value(args, ++i));
                case "--bootstrap-servers" -> explicit.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, value(args, ++i));
                default -> consumer = args[i];
            }
        }
        if (consumer == null || !INPUT_TOPICS.containsKey(consumer)) {
            usage();
        }
        Map<String, Object> kafka = KafkaSettings.resolve(file, System.getenv(), explicit);
        kafka.putIfAbsent(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LOCAL_BROKER);
        System.out.println("replay " + consumer + ": Kafka " + KafkaSettings.describe(kafka));
        try {
            String ledgerKey = System.getenv("PRIVACY_LEDGER_KEY");
            RecordKeys keys = ledgerKey == null || ledgerKey.isBlank() ? null : new RecordKeys(ledgerKey);
            System.out.println("replayed " + replay(kafka, consumer, keys) + " dead letter(s) of " + consumer);
        } catch (KafkaException e) {
            // Kafka's messages name the broker and mechanism, never the credentials.
            System.err.println("replay failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (e instanceof org.apache.kafka.common.errors.TimeoutException
                            ? " (is Kafka at " + kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + " up? The local run's"
                                    + " broker runs while ./customer-flow up does.)" : ""));
            System.exit(1);
        }
    }

    /** Against a plain-text broker (tests). */
    public static int replay(String bootstrap, String consumer) {
        return replay(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), consumer, null);
    }

    /**
     * @param keys the deployment's record keys ({@code PRIVACY_LEDGER_KEY}): a dead letter written before keys were
     *     hashed goes back with its hashed key, in its customer's partition; without them keys go back as they are
     * @return how many dead letters went back to their origin topic
     */
    public static int replay(Map<String, Object> kafka, String consumer, RecordKeys keys) {
        String dlq = Topics.deadLetter(consumer);
        Map<String, Object> consumerConfig = new HashMap<>(kafka);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "customer-flow-replay-" + consumer);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumerConfig.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "customer-flow-replay-" + consumer);
        Map<String, Object> producerConfig = new HashMap<>(kafka);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "customer-flow-replay-" + consumer + "-producer");
        int replayed = 0;
        int readable = 0;
        try (var in = new KafkaConsumer<>(only(consumerConfig, ConsumerConfig.configNames()), new StringDeserializer(),
                new ByteArrayDeserializer());
             var out = new KafkaProducer<>(only(producerConfig, ProducerConfig.configNames()), new StringSerializer(),
                     new ByteArraySerializer())) {
            // Asked first so a wrong address or credentials fail here, instead of looking like "nothing to replay".
            List<TopicPartition> partitions = in.partitionsFor(dlq, CONNECT_TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                return 0;
            }
            in.assign(partitions);
            Map<TopicPartition, Long> end = in.endOffsets(partitions, CONNECT_TIMEOUT);
            Map<TopicPartition, OffsetAndMetadata> done = in.committed(Set.copyOf(partitions), CONNECT_TIMEOUT);
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata committed = done.get(tp);
                in.seek(tp, committed == null ? 0 : committed.offset());
            }
            int idlePolls = 0;
            while (partitions.stream().anyMatch(tp -> in.position(tp) < end.get(tp)) && idlePolls < 5) {
                var records = in.poll(Duration.ofSeconds(1));
                idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
                for (ConsumerRecord<String, byte[]> r : records) {
                    String topic = origin(r, consumer);
                    int count = out.partitionsFor(topic).size();
                    Integer partition = partition(r, count);
                    String key = r.key();
                    if (!RecordKeys.isPersonFree(key)) {
                        if (keys == null) {
                            readable++;
                        } else {
                            if (partition == null) { // where the producers place this customer: by the readable key
                                partition = RecordKeyPartitioner.partition(key.getBytes(StandardCharsets.UTF_8),
                                        count);
                            }
                            key = keys.canonical(key);
                        }
                    }
                    out.send(new ProducerRecord<>(topic, partition, key, r.value(), originalHeaders(r)));
                    replayed++;
                }
                out.flush(); // every replayed record is acknowledged before its dead letter counts as done
                in.commitSync();
            }
        }
        if (readable > 0) {
            System.out.println(readable + " dead letter(s) went back with a readable key (written before keys were "
                    + "hashed): set PRIVACY_LEDGER_KEY, the services' privacy.ledger-key, to hash them");
        }
        return replayed;
    }

    private static Map<String, Object> only(Map<String, Object> config, Set<String> names) {
        Map<String, Object> kept = new HashMap<>(config);
        kept.keySet().retainAll(names);
        return kept;
    }

    static String origin(ConsumerRecord<String, byte[]> r, String consumer) {
        Header topic = r.headers().lastHeader("dead-letter-topic");
        return topic == null ? INPUT_TOPICS.get(consumer) : new String(topic.value(), StandardCharsets.UTF_8);
    }

    /**
     * The partition the record was read from: its customer's partition (keys are hashed, and the producers place a
     * customer by what the hash hides, so the default partitioner would put a replay elsewhere). Null (the key
     * decides) when the dead letter doesn't say or the topic has fewer partitions now.
     */
    static Integer partition(ConsumerRecord<String, byte[]> r, int partitions) {
        Header header = r.headers().lastHeader("dead-letter-partition");
        try {
            int p = header == null ? -1 : Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8).trim());
            return p >= 0 && p < partitions ? p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static RecordHeaders originalHeaders(ConsumerRecord<String, byte[]> r) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            if (!h.key().startsWith("dead-letter-") && !"__TypeId__".equals(h.key())) {
                headers.add(h);
            }
        }
        return headers;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage();
        }
        return args[i];
    }

    private static void usage() {
        System.err.println("usage: replay <customer-store|tagging|klaviyo|ingest> [--config <properties file with kafka.*>]"
                + " [--bootstrap-servers <host:port,...>]  (KAFKA_* environment variables are read too)");
        System.exit(2);
    }
}
