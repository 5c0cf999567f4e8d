package io.customerflow.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.customerflow.kafka.BrokerMain;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process) in its own JVM, on
 * loopback. The JVM exits by itself when this one ends (see {@link BrokerMain}).
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String CLASSPATH_RESOURCE = "/customer-flow/kafka-broker.classpath";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    /**
     * The broker's JIT: C1 only by default, which starts it on less CPU for tests and the local run; the bench sets
     * {@code -Dcustomer-flow.broker-jit=full} to measure the broker as a cluster runs it (C2 as well). Without it,
     * the broker spends more CPU per record for as long as it runs, on the cores it shares with what is measured.
     */
    static final List<String> JIT = "full".equals(System.getProperty("customer-flow.broker-jit"))
            ? List.of() : List.of("-XX:TieredStopAtLevel=1");

    private final Path workDir;
    private final int port;
    private int scramPort;
    private Process process;

    /**
     * @param workDir holds {@code server.properties}, the log directory and {@code broker.log}; reused data
     *                survives a restart
     * @param port    the client port, or 0 for a free one
     */
    public KafkaBroker(Path workDir, int port) {
        this.workDir = workDir;
        this.port = port == 0 ? FreePorts.find() : port;
    }

    /**
     * Also listen on {@code port} with SASL/SCRAM-SHA-512 over plain text, as a production cluster asks its clients
     * to authenticate (users: {@link #createScramUser}). Call before {@link #start()}.
     */
    public KafkaBroker withScramListener(int port) {
        this.scramPort = port == 0 ? FreePorts.find() : port;
        return this;
    }

    /** The SASL/SCRAM listener's address (see {@link #withScramListener}). */
    public String scramBootstrapServers() {
        return "127.0.0.1:" + scramPort;
    }

    /** Adds or changes a SCRAM-SHA-512 user (kept in the cluster metadata, as KRaft keeps them). */
    public void createScramUser(String user, String password) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                    new org.apache.kafka.clients.admin.ScramCredentialInfo(
                            org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create SCRAM user " + user, e);
        }
    }

    /** Creates the topics (3 partitions) unless they exist. */
    public void createTopics(String... topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 1)))
                            .all().get(20, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw new IllegalStateException("cannot create " + topic, e);
                    }
                }
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topics", e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public synchronized KafkaBroker start() {
        if (FreePorts.answers(port)) {
            throw new IllegalStateException("port " + port + " is taken: cannot start Kafka there");
        }
        try {
            Files.createDirectories(workDir);
            Path properties = writeServerProperties(FreePorts.find());
            List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xms128m", "-Xmx512m",
                    "-XX:+UseSerialGC"));
            command.addAll(JIT);
            command.addAll(List.of(
                    "-Dlog4j2.configurationFile=customer-flow/kafka-log4j2.properties",
                    "-cp", classpath(), BrokerMain.class.getName(),
                    Long.toString(ProcessHandle.current().pid()), properties.toString(), clusterId()));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("broker.log").toFile()))
                    .start();
            awaitReady();
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start Kafka in " + workDir, e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited with " + process.exitValue() + "; see "
                        + workDir.resolve("broker.log"));
            }
            if (FreePorts.answers(port)) {
                try (Admin admin = Admin.create(config)) {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    // the controller may still be electing itself
                }
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("Kafka did not answer within " + READY_TIMEOUT + "; see "
                + workDir.resolve("broker.log"));
    }

    private Path writeServerProperties(int controllerPort) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String sasl = scramPort == 0 ? "" : ",SASL_PLAINTEXT://127.0.0.1:" + scramPort;
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort + sasl);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + sasl);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
        if (scramPort != 0) {
            p.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.setProperty("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        p.setProperty("log.dirs", workDir.resolve("data").toString());
        p.setProperty("num.partitions", "3");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.retention.hours", "168");
        Path file = workDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "customer-flow local broker (written at each start)");
        }
        return file;
    }

    /** The cluster id survives restarts with the data; a new data directory gets a new one. */
    private String clusterId() throws IOException {
        Path file = workDir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id;
        do { // like Kafka's own Uuid.randomUuid(): an id starting with '-' reads as an option on a command line
            UUID uuid = UUID.randomUUID();
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
        } while (id.startsWith("-"));
        Files.writeString(file, id);
        return id;
    }

    private static String classpath() throws IOException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " missing: build deploy/kafka-runtime first");
            }
            String brokerJars = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return codeSourceOf(BrokerMain.class) + java.io.File.pathSeparator + brokerJars;
        }
    }

    /** SIGTERM, then SIGKILL if the process is still there after 20 s. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static String codeSourceOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The broker JVM's pid, or -1 when stopped. */
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker: a clean shutdown first, then a forced one. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        stop(process);
        process = null;
    }
}
