package io.customerflow.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The launcher's broker and database are real: records round-trip, SQL runs, stop leaves nothing behind. */
class LocalInfraTest {

    @Test
    void brokerAcceptsAndServesRecordsThenStopsAndRestartsWithItsData() throws Exception {
        Path dir = Files.createTempDirectory("kafka-test-");
        KafkaBroker broker = new KafkaBroker(dir, 0).start();
        try {
            produce(broker, "probe", "山田 太郎");
            assertEquals(List.of("山田 太郎"), consume(broker, "probe"));

            long pid = broker.pid();
            broker.close();
            assertFalse(FreePorts.answers(broker.port()), "stopped broker still listens");
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "broker JVM left behind");

            broker.start();
            assertEquals(List.of("山田 太郎"), consume(broker, "probe"), "data must survive a restart");
        } finally {
            broker.close();
            Dirs.deleteQuietly(dir);
        }
    }

    @Test
    void postgresRunsRealSqlAndStops() throws Exception {
        PostgresServer pg = new PostgresServer(null, 0).start();
        try (var c = DriverManager.getConnection(pg.jdbcUrl(), PostgresServer.USER, "")) {
            var rs = c.createStatement().executeQuery("select current_database(), version()");
            assertTrue(rs.next());
            assertEquals(PostgresServer.DATABASE, rs.getString(1));
            assertTrue(rs.getString(2).startsWith("PostgreSQL"));
        } finally {
            pg.close();
        }
        assertFalse(FreePorts.answers(pg.port()), "stopped PostgreSQL still listens");
    }

    private static void produce(KafkaBroker broker, String topic, String value) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    private static List<String> consume(KafkaBroker broker, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    return java.util.stream.StreamSupport.stream(records.spliterator(), false)
                            .map(r -> new String(r.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                            .toList();
                }
            }
            return List.of();
        }
    }
}
