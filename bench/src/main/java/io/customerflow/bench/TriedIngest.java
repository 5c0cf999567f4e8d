package io.customerflow.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.customerflow.infra.ServiceProcess;

/**
 * Another ingest to try in the same run as the stack's own, against the same baselines, before adopting a value or a
 * change: {@code BENCH_INGEST_SETTINGS=NAME=value,...} (environment variables it starts with) and/or
 * {@code BENCH_INGEST_JAR=<another build's quarkus-run.jar>}, named in the report by {@code BENCH_INGEST_NAME} (a
 * commit, say) or else by the jar's path.
 */
record TriedIngest(Map<String, String> env, String settings, Optional<Path> jar, String name) {

    static Optional<TriedIngest> fromEnvironment() {
        String settings = System.getenv().getOrDefault("BENCH_INGEST_SETTINGS", "").trim();
        String jar = System.getenv().getOrDefault("BENCH_INGEST_JAR", "").trim();
        if (settings.isEmpty() && jar.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> env = new TreeMap<>();
        for (String pair : settings.isEmpty() ? new String[0] : settings.split(",")) {
            env.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
        }
        String name = System.getenv().getOrDefault("BENCH_INGEST_NAME", jar).trim();
        return Optional.of(new TriedIngest(env, settings, jar.isEmpty() ? Optional.empty() : Optional.of(Path.of(jar)),
                name));
    }

    /** What the report's rows say of it, after {@code prefix}. */
    String label(String prefix) {
        return prefix + (settings.isEmpty() ? "" : ", " + settings.replace(",", ", "))
                + (jar.isEmpty() ? "" : ", build " + name);
    }

    /** The ingest process (not started), on the stack's port and config. */
    ServiceProcess process(Path root, Path data, int port) {
        Path config = data.resolve("config");
        return new ServiceProcess("ingest-service",
                jar.orElse(root.resolve("ingest-service/target/quarkus-app/quarkus-run.jar")), port,
                List.of(config.resolve("ingest-service.properties"), config.resolve("connect.properties")),
                data.resolve("logs/ingest-service-tried.log"), env);
    }
}
