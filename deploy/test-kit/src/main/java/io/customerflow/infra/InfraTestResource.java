package io.customerflow.infra;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Hands a Quarkus test the real Kafka broker and, with init arg {@code postgres=true}, the real PostgreSQL of
 * {@link TestInfrastructure}. Both outlive a Quarkus restart between test classes: they start once per
 * module's test JVM and stop when it exits.
 */
public class InfraTestResource implements QuarkusTestResourceLifecycleManager {

    private boolean postgres;

    @Override
    public void init(Map<String, String> initArgs) {
        postgres = Boolean.parseBoolean(initArgs.getOrDefault("postgres", "false"));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", TestInfrastructure.kafka());
        if (postgres) {
            Infrastructure.Database db = TestInfrastructure.database();
            config.put("quarkus.datasource.jdbc.url", db.jdbcUrl());
            config.put("quarkus.datasource.reactive.url", db.reactiveUrl());
            config.put("quarkus.datasource.username", db.username());
            config.put("quarkus.datasource.password", db.password());
        }
        return config;
    }

    @Override
    public void stop() {
        // Shared with the module's other test classes; stopped at JVM exit.
    }
}
