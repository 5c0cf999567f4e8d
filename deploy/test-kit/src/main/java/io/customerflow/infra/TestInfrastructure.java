package io.customerflow.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The Kafka broker and PostgreSQL database of one test JVM (one module's test run), started on first use and
 * stopped when the JVM exits. In order of preference:
 * <ol>
 * <li>explicit addresses from the environment: {@code KAFKA_BOOTSTRAP_SERVERS};
 * {@code CUSTOMER_FLOW_TEST_JDBC_URL}, {@code CUSTOMER_FLOW_TEST_DB_USER}, {@code CUSTOMER_FLOW_TEST_DB_PASSWORD};</li>
 * <li>Testcontainers, when a Docker engine answers;</li>
 * <li>the local launcher: a broker JVM and embedded PostgreSQL, with only a JDK.</li>
 * </ol>
 * Never a silent skip: if none works, the test run fails with the reason.
 */
public final class TestInfrastructure {

    static final String KAFKA_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    static final String JDBC_ENV = "CUSTOMER_FLOW_TEST_JDBC_URL";

    private static String kafka;
    private static Infrastructure.Database database;
    private static KafkaBroker localBroker;

    private TestInfrastructure() {
    }

    public static synchronized String kafka() {
        if (kafka == null) {
            kafka = provide("Kafka", System.getenv(KAFKA_ENV), TestInfrastructure::startKafka);
        }
        return kafka;
    }

    public static synchronized Infrastructure.Database database() {
        if (database == null) {
            String url = System.getenv(JDBC_ENV);
            database = url != null && !url.isBlank()
                    ? Infrastructure.Database.fromJdbcUrl(url, env("CUSTOMER_FLOW_TEST_DB_USER", "postgres"),
                            env("CUSTOMER_FLOW_TEST_DB_PASSWORD", ""))
                    : startDatabase();
        }
        return database;
    }

    /** The broker this JVM started itself, so fault tests can stop and restart it; null when external. */
    public static synchronized KafkaBroker localBroker() {
        kafka();
        return localBroker;
    }

    private static String provide(String what, String explicit, Function<Boolean, String> starter) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        return starter.apply(dockerAnswers());
    }

    private static String startKafka(boolean docker) {
        try {
            if (docker) {
                KafkaContainer container = new KafkaContainer("apache/kafka-native:4.1.1");
                container.start();
                Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-kafka-container"));
                return container.getBootstrapServers();
            }
            Path dir = Files.createTempDirectory("customer-flow-kafka-");
            localBroker = new KafkaBroker(dir, 0).start();
            KafkaBroker broker = localBroker;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                Dirs.deleteQuietly(dir);
            }, "stop-kafka"));
            return broker.bootstrapServers();
        } catch (Exception e) {
            throw new IllegalStateException("No Kafka broker for the tests: set " + KAFKA_ENV
                    + ", run a Docker engine, or fix the local launcher (" + e.getMessage() + ")", e);
        }
    }

    private static Infrastructure.Database startDatabase() {
        try {
            if (dockerAnswers()) {
                PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
                container.start();
                Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-postgres-container"));
                return Infrastructure.Database.fromJdbcUrl(container.getJdbcUrl(), container.getUsername(),
                        container.getPassword());
            }
            PostgresServer server = new PostgresServer(null, 0).start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-postgres"));
            return new Infrastructure.Database(server.jdbcUrl(), server.reactiveUrl(), PostgresServer.USER, "");
        } catch (Exception e) {
            throw new IllegalStateException("No PostgreSQL for the tests: set " + JDBC_ENV
                    + ", run a Docker engine, or fix the embedded PostgreSQL (" + e.getMessage() + ")", e);
        }
    }

    /** Asks Testcontainers only when a Docker socket or host is configured: a missing engine costs nothing. */
    private static boolean dockerAnswers() {
        boolean configured = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        return configured && DockerClientFactory.instance().isDockerAvailable();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

}
