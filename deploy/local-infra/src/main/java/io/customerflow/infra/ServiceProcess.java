package io.customerflow.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** One packaged Quarkus service run as its own JVM, with its log in a file, until it answers ready. */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final List<Path> configs;
    private final Path log;
    private final Map<String, String> environment;
    private Process process;
    private long logStart;

    /**
     * @param configs     property files in the order Quarkus loads them; each declares its own {@code config_ordinal}
     *                    (see {@link LocalSettings})
     * @param environment variables added to the launcher's own for this JVM (tests: an exported override)
     */
    /**
     * The local run listens on loopback only: its demo credentials are public. {@code QUARKUS_HTTP_HOST} (e.g.
     * {@code 0.0.0.0}, for a tunnel or another machine) opens it on purpose.
     */
    static String httpHost(Map<String, String> environment) {
        String host = environment.getOrDefault("QUARKUS_HTTP_HOST", System.getenv("QUARKUS_HTTP_HOST"));
        return host == null || host.isBlank() ? "127.0.0.1" : host;
    }

    public ServiceProcess(String name, Path jar, int port, List<Path> configs, Path log, Map<String, String> environment) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.configs = List.copyOf(configs);
        this.log = log;
        this.environment = Map.copyOf(environment);
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /**
     * JVM options for every service started here, from {@code -Dcustomer-flow.service-jvm-options} (space-separated):
     * the e2e suites give {@code -XX:TieredStopAtLevel=1}, which starts a JVM on less CPU; the local run and the bench
     * leave it empty, so they measure the JVM as deployed.
     */
    static final List<String> EXTRA_JVM_OPTIONS = java.util.Arrays.stream(
            System.getProperty("customer-flow.service-jvm-options", "").trim().split("\\s+"))
            .filter(o -> !o.isEmpty()).toList();

    /** Starts the JVM and waits until {@code /q/health/ready} answers 200. */
    public ServiceProcess start(Duration timeout) {
        return launch().awaitReady(timeout);
    }

    /** Starts the JVM without waiting for it (several start side by side; {@link #awaitReady} each then). */
    public ServiceProcess launch() {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build with ./mvnw install -DskipTests");
        }
        if (FreePorts.answers(port)) {
            throw new IllegalStateException("port " + port + " is taken: cannot start " + name);
        }
        try {
            Files.createDirectories(log.getParent());
            logStart = Files.exists(log) ? Files.size(log) : 0;
            String locations = configs.stream().map(c -> c.toUri().toString()).collect(Collectors.joining(","));
            List<String> command = new ArrayList<>(List.of(KafkaBroker.javaExecutable(), "-Xmx256m",
                    "-XX:+UseSerialGC"));
            command.addAll(EXTRA_JVM_OPTIONS);
            command.addAll(List.of("-Dquarkus.config.locations=" + locations, "-Dquarkus.http.port=" + port,
                    "-Dquarkus.http.host=" + httpHost(environment), "-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // Environment variables outrank the config file: an exported test address (KAFKA_BOOTSTRAP_SERVERS,
            // QUARKUS_DATASOURCE_*) would point this stack's services at another broker or database.
            builder.environment().keySet().removeIf(ServiceProcess::pointsElsewhere);
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        return this;
    }

    /** Waits until the launched JVM answers ready; if it stops or the time passes, says why (and stops it). */
    public ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                int exit = process.exitValue();
                process = null;
                throw new IllegalStateException(name + " did not start (exit " + exit + ")" + whyNotStarted()
                        + "\n  full log: " + log);
            }
            if (ready()) {
                return this;
            }
            KafkaBroker.sleep(250);
        }
        close(); // never leave a half-started JVM behind
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
    }

    /** The lines of this start's log that say why the service stopped (Quarkus names the property at fault). */
    private String whyNotStarted() {
        List<String> lines = newLogLines();
        List<String> reasons = lines.stream().filter(l -> l.contains("SRCFG") || l.contains("cannot work")
                || l.startsWith("Caused by: java.lang.IllegalStateException: "))
                .map(l -> l.replaceFirst("^.*?(SRCFG\\d+: |Exception: )", "").strip()).distinct().limit(8).toList();
        if (reasons.isEmpty()) {
            reasons = lines.stream().filter(l -> l.contains(" ERROR ")).limit(3).toList();
        }
        return reasons.isEmpty() ? "" : ":\n  " + String.join("\n  ", reasons);
    }

    /** What this service logged since it was started here. */
    public List<String> newLogLines() {
        try (var in = Files.newInputStream(log)) {
            in.skipNBytes(logStart);
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static boolean pointsElsewhere(String variable) {
        return variable.equals("KAFKA_BOOTSTRAP_SERVERS") || variable.startsWith("QUARKUS_DATASOURCE_")
                || variable.startsWith("CUSTOMER_FLOW_TEST_");
    }

    /** Whether {@code /q/health/ready} answers 200 now. */
    public boolean ready() {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: no shutdown at all, as when a node dies. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** SIGTERM (Quarkus shuts down gracefully), then SIGKILL after 20 s. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        KafkaBroker.stop(process);
        process = null;
    }
}
