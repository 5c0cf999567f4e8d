package io.customerflow.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.customerflow.events.Topics;

/**
 * The whole system on one machine: {@code up [--fresh]} starts PostgreSQL, Kafka, the SaaS stand-in and the four
 * services (one after another: two cores), prints where everything is, and stops it all on Ctrl-C;
 * {@code down} stops a running {@code up}. Data lives in {@code .customer-flow/} and survives restarts.
 */
public final class LocalStack implements AutoCloseable {

    private final Path root;
    private final Path data;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, ServiceProcess> services = new java.util.LinkedHashMap<>();
    private final Map<String, String> environment = new java.util.HashMap<>();
    private KafkaBroker broker;
    private PostgresServer postgres;

    private LocalStack(Path root) {
        this(root, root.resolve(DATA));
    }

    /** The local run's data directory, under the repository root. */
    public static final String DATA = ".customer-flow";

    private LocalStack(Path root, Path data) {
        this.root = root;
        this.data = data;
    }

    public static void main(String[] args) throws Exception {
        LocalStack stack = new LocalStack(Path.of("").toAbsolutePath());
        String command = args.length == 0 ? "up" : args[0];
        switch (command) {
            case "up" -> {
                try {
                    stack.up(List.of(args).contains("--fresh"));
                } catch (IllegalStateException e) { // says what to fix; the shutdown hook stops what had started
                    System.err.println("[customer-flow] " + e.getMessage());
                    System.exit(1);
                }
            }
            case "down" -> stack.down();
            default -> {
                System.err.println("usage: customer-flow up [--fresh] | down | demo | test");
                System.exit(2);
            }
        }
    }

    private void up(boolean fresh) throws Exception {
        Path pidFile = data.resolve("run.pid");
        if (Files.exists(pidFile) && ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
                .map(ProcessHandle::isAlive).orElse(false)) {
            throw new IllegalStateException("customer-flow is already up (pid " + Files.readString(pidFile).trim()
                    + "); stop it with ./customer-flow down");
        }
        if (fresh) { // everything but the user's own connect file
            try (var entries = Files.list(data)) {
                entries.filter(p -> !p.getFileName().toString().equals(LocalSettings.CONNECT_FILE))
                        .forEach(Dirs::deleteQuietly);
            } catch (java.nio.file.NoSuchFileException nothingYet) {
                // a first run
            }
        }
        Files.createDirectories(data.resolve("logs"));
        Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            step("stopping everything");
            stopAll();
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // nothing to clean then
            }
            stopped.countDown();
        }, "customer-flow-down"));

        start(LocalDemo.DEFAULT_PORTS);
        System.out.println(LocalDemo.readyBlock(data));
        stopped.await();
    }

    /** Starts PostgreSQL, Kafka, the recording stand-in and the services on the given ports; returns the stand-in. */
    public SaasStandIn start(LocalDemo.Ports ports) throws IOException {
        return start(ports, port -> new SaasStandIn(port).start());
    }

    /** Makes a started stand-in on the given port. */
    public interface StandInFactory<S extends StandIn> {
        S on(int port) throws IOException;
    }

    /** The same with a stand-in of the caller's (the bench's lean one). */
    public <S extends StandIn> S start(LocalDemo.Ports ports, StandInFactory<S> standIns) throws IOException {
        step("starting PostgreSQL on 127.0.0.1:" + ports.postgres());
        PostgresServer pg = started(new PostgresServer(data.resolve("postgres"), ports.postgres()).start());
        postgres = pg;
        step("starting Kafka on 127.0.0.1:" + ports.kafka());
        KafkaBroker kafka = started(new KafkaBroker(data.resolve("kafka"), ports.kafka()).start());
        broker = kafka;
        kafka.createTopics(Topics.ORDERS, Topics.CUSTOMER_EVENTS, Topics.deadLetter("customer-store"),
                Topics.deadLetter("tagging"), Topics.deadLetter("klaviyo"), Topics.deadLetter("ingest"));
        step("starting the Shopify Admin + Klaviyo stand-in on 127.0.0.1:" + ports.standIn());
        S standIn = started(standIns.on(ports.standIn()));

        Map<String, String> serviceEnvironment = new java.util.HashMap<>(System.getenv());
        serviceEnvironment.putAll(environment);
        LocalSettings settings = new LocalSettings(data, serviceEnvironment);
        settings.writeTemplateIfMissing();
        Path configDir = OwnerOnlyFiles.directory(data.resolve("config"));
        Path connect = OwnerOnlyFiles.write(configDir.resolve(LocalSettings.CONNECT_FILE), settings.connectForServices());
        boolean oauth = standIn.shopifyOAuth().isPresent();
        LocalCredentials credentials = LocalCredentials.forRun(data, LocalDemo.connected(settings));
        standIn.shopifyOAuth().ifPresent(o -> o.app(LocalDemo.APP_CLIENT_ID, credentials.appSecret())
                .accessLifetime(LocalDemo.TOKEN_LIFETIME));
        Map<String, String> configs = LocalDemo.serviceConfigs(kafka.bootstrapServers(), pg, standIn.baseUrl(), settings,
                credentials, oauth, ports.service("ingest-service"));
        // All four JVMs start side by side (as replicas do in a cluster: none needs another to start), then each is
        // awaited in order and says where it sends what.
        for (String name : LocalDemo.SERVICES.keySet()) {
            int port = ports.service(name);
            step("starting " + name + " on 127.0.0.1:" + port);
            Path config = OwnerOnlyFiles.write(configDir.resolve(name + ".properties"), configs.get(name));
            services.put(name, started(new ServiceProcess(name,
                    root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar"), port, List.of(config, connect),
                    data.resolve("logs").resolve(name + ".log"), environment).launch()));
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(Duration.ofMinutes(3));
            Connections.print(service, standIn.baseUrl());
        }
        if (oauth && LocalDemo.installsDemoShops(settings)) {
            String ingest = "http://127.0.0.1:" + ports.service("ingest-service");
            for (String shop : LocalDemo.SHOPS) {
                step("installing " + shop + " through OAuth (the stand-in plays Shopify; tokens of "
                        + LocalDemo.TOKEN_LIFETIME.toMinutes() + " minutes, refreshed by ingest)");
                try {
                    ShopInstaller.install(ingest, shop);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while installing " + shop, e);
                }
            }
        }
        return standIn;
    }

    /** Pids of the running service JVMs, by service name (for memory measurements). */
    public Map<String, Long> servicePids() {
        Map<String, Long> pids = new java.util.LinkedHashMap<>();
        synchronized (running) {
            for (AutoCloseable part : running) {
                if (part instanceof ServiceProcess service) {
                    pids.put(service.name(), service.pid());
                }
            }
        }
        return pids;
    }

    /** One running service, for fault tests (kill, restart). */
    public ServiceProcess service(String name) {
        return services.get(name);
    }

    /** The broker, for fault tests (stop, start). */
    public KafkaBroker broker() {
        return broker;
    }

    /** The database, for fault tests (stop, start). */
    public PostgresServer postgres() {
        return postgres;
    }

    /** Where the stack keeps its data and logs. */
    public Path dataDirectory() {
        return data;
    }

    /** Variables the services get on top of the launcher's environment, as if exported before {@code up} (tests). */
    public LocalStack withEnvironment(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    /** A stack in a directory of its own (tests): {@link #close()} stops it. */
    public static LocalStack in(Path root, Path data) {
        return new LocalStack(root, data);
    }

    @Override
    public void close() {
        stopAll();
    }

    private <T extends AutoCloseable> T started(T part) {
        synchronized (running) {
            running.add(part);
        }
        return part;
    }

    private void stopAll() {
        List<AutoCloseable> parts;
        synchronized (running) {
            parts = new ArrayList<>(running);
            running.clear();
        }
        // The services first and all at once: each stops gracefully on its own (SIGTERM), none waits for another,
        // and the broker and database they use stay up until all are gone. Then the rest, last started first.
        List<Thread> stopping = new ArrayList<>();
        for (AutoCloseable part : parts) {
            if (part instanceof ServiceProcess) {
                Thread t = new Thread(() -> closeQuietly(part), "stop-service");
                t.start();
                stopping.add(t);
            }
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            if (!(parts.get(i) instanceof ServiceProcess)) {
                closeQuietly(parts.get(i));
            }
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            System.err.println("while stopping: " + e.getMessage());
        }
    }

    private void down() throws Exception {
        Path pidFile = data.resolve("run.pid");
        if (!Files.exists(pidFile)) {
            System.out.println("customer-flow is not up");
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            Files.deleteIfExists(pidFile);
            System.out.println("customer-flow is not up");
            return;
        }
        handle.get().destroy();
        handle.get().onExit().get(90, java.util.concurrent.TimeUnit.SECONDS);
        System.out.println("customer-flow stopped");
    }

    static void step(String message) {
        System.out.println("[customer-flow] " + message);
    }
}
