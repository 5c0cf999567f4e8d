package io.customerflow.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class InfrastructureTest {

    @Test
    void explicitJdbcUrlBecomesTheReactiveUrl() {
        var db = Infrastructure.Database.fromJdbcUrl("jdbc:postgresql://db:5432/cf", "u", "p");
        assertEquals("postgresql://db:5432/cf", db.reactiveUrl());
        assertThrows(IllegalArgumentException.class, () -> Infrastructure.Database.fromJdbcUrl("jdbc:mysql://db/cf", "u", "p"));
    }
}
