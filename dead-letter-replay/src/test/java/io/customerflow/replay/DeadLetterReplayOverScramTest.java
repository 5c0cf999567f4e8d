package io.customerflow.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.customerflow.events.Topics;
import io.customerflow.infra.Dirs;
import io.customerflow.infra.KafkaBroker;
import io.customerflow.infra.KafkaTestClient;

/**
 * {@code ./customer-flow replay} against a cluster that asks for SASL/SCRAM, configured the way the services are
 * (KAFKA_* variables, or kafka.* lines in a properties file): dead letters go back to the right origin topic once, a
 * second run finds nothing, wrong credentials fail loudly, and no secret is ever printed.
 */
class DeadLetterReplayOverScramTest {

    static final String USER = "replayer";
    static final String PASSWORD = "replay-secret-never-printed-77";
    static KafkaBroker broker;
    static Path dir;

    @BeforeAll
    static void brokerWithScram() throws Exception {
        dir = Files.createTempDirectory("kafka-scram-");
        broker = new KafkaBroker(dir, 0).withScramListener(0).start();
        broker.createScramUser(USER, PASSWORD);
        try (KafkaTestClient admin = new KafkaTestClient(broker.bootstrapServers())) {
            admin.createTopics(Topics.ORDERS, Topics.deadLetter("tagging"));
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
        Dirs.deleteQuietly(dir);
    }

    @Test
    void replaysOnceOverScramToTheConsumersOriginTopicAndNeverPrintsTheSecret() throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(Topics.ORDERS)).allTopicNames().get().get(Topics.ORDERS)
                    .partitions().size();
            if (partitions < 3) { // the broker made it with one: a partition to return to needs more
                admin.createPartitions(Map.of(Topics.ORDERS, org.apache.kafka.clients.admin.NewPartitions.increaseTo(3)))
                        .all().get();
            }
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3; i++) { // as SmallRye's dead-letter queue writes them, one without its origin header
                var record = new ProducerRecord<>(Topics.deadLetter("tagging"), "shop/c" + i, "{\"n\":" + i + "}");
                record.headers().add("ce_id", ("evt-" + i).getBytes(StandardCharsets.UTF_8));
                record.headers().add("dead-letter-reason", "no Admin API access token".getBytes(StandardCharsets.UTF_8));
                if (i > 0) {
                    record.headers().add("dead-letter-topic", Topics.ORDERS.getBytes(StandardCharsets.UTF_8));
                    // The customer's partition: hashed keys don't tell it, the dead letter does.
                    record.headers().add("dead-letter-partition", "2".getBytes(StandardCharsets.UTF_8));
                }
                producer.send(record).get();
            }
        }

        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.scramBootstrapServers(),
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", jaas(PASSWORD), "KAFKA_PORT", "tcp://10.0.0.1:9092",
                "PRIVACY_LEDGER_KEY", "replay-ledger-key");
        Run first = replay(env);
        assertEquals(0, first.exit, first.output);
        assertTrue(first.output.contains("replayed 3 dead letter(s) of tagging"), first.output);
        assertTrue(first.output.contains("sasl.jaas.config=<set>"), first.output);
        assertFalse(first.output.contains(PASSWORD), first.output);

        List<ConsumerRecord<String, byte[]>> replayed = read(Topics.ORDERS, 3);
        assertEquals(3, replayed.size(), "every dead letter back on orders.v1, the one without an origin header too");
        for (ConsumerRecord<String, byte[]> r : replayed) {
            assertNull(r.headers().lastHeader("dead-letter-reason"), "dead-letter headers are dropped");
            String id = new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8);
            assertTrue(id.startsWith("evt-"));
            // Written before keys were hashed: back with the hashed key, in the readable key's partition.
            String readable = "shop/c" + id.substring(4);
            assertEquals(new io.customerflow.events.RecordKeys("replay-ledger-key").canonical(readable), r.key());
            if (!id.equals("evt-0")) {
                assertEquals(2, r.partition(), "back in the partition it was read from");
            } else {
                assertEquals(io.customerflow.events.RecordKeyPartitioner.partition(
                        readable.getBytes(StandardCharsets.UTF_8), 3), r.partition(), "the readable key's partition");
            }
        }

        // The second run, configured by a properties file as the chart's ConfigMap is, finds nothing.
        Path config = dir.resolve("application.properties");
        Files.writeString(config, String.join("\n", "kafka.bootstrap.servers=" + broker.scramBootstrapServers(),
                "kafka.security.protocol=SASL_PLAINTEXT", "kafka.sasl.mechanism=SCRAM-SHA-512", "quarkus.http.port=8082", ""));
        Run second = replay(Map.of("KAFKA_SASL_JAAS_CONFIG", jaas(PASSWORD)), "--config", config.toString());
        assertEquals(0, second.exit, second.output);
        assertTrue(second.output.contains("replayed 0 dead letter(s) of tagging"), second.output);
        assertEquals(3, read(Topics.ORDERS, 4).size(), "nothing replayed twice");

        Run refused = replay(Map.of("KAFKA_SASL_JAAS_CONFIG", jaas("a-wrong-password-88")), "--config", config.toString());
        assertEquals(1, refused.exit, refused.output);
        assertTrue(refused.output.contains("Authentication failed"), refused.output);
        assertFalse(refused.output.contains("a-wrong-password-88"), refused.output);
    }

    static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";";
    }

    record Run(int exit, String output) {
    }

    /** The replay's main in its own JVM, as the run command and a Kubernetes Job start it. */
    static Run replay(Map<String, String> env, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DeadLetterReplay.class.getName(), "tagging"));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), output);
    }

    static List<ConsumerRecord<String, byte[]>> read(String topic, int atMost) {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && records.size() < atMost) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
