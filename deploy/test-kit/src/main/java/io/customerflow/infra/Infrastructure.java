package io.customerflow.infra;

/** Where the services find Kafka and PostgreSQL, however they were provided. */
public record Infrastructure(String kafkaBootstrapServers, Database database) {

    /** A PostgreSQL database: the JDBC URL (Flyway), the reactive URL (Hibernate Reactive) and credentials. */
    public record Database(String jdbcUrl, String reactiveUrl, String username, String password) {

        /** The reactive form of a {@code jdbc:postgresql://…} URL. */
        public static Database fromJdbcUrl(String jdbcUrl, String username, String password) {
            if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
            }
            return new Database(jdbcUrl, jdbcUrl.substring("jdbc:".length()), username, password);
        }
    }
}
