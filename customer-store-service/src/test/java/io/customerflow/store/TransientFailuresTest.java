package io.customerflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.customerflow.store.service.TransientFailures;
import io.vertx.pgclient.PgException;

/** Which database failures the consumer waits out (retry, partition paused) and which it dead-letters. */
class TransientFailuresTest {

    @ParameterizedTest(name = "{0} {1} → transient: {2}")
    @CsvSource({
            "08006, connection_failure,            true",
            "08001, sqlclient_unable_to_establish, true",
            "40001, serialization_failure,         true",
            "40P01, deadlock_detected,             true",
            "57P01, admin_shutdown,                true",
            "57P03, cannot_connect_now,            true",
            "53300, too_many_connections,          true",
            "53200, out_of_memory,                 true",
            "23505, unique_violation,              false",
            "23502, not_null_violation,            false",
            "22001, string_data_right_truncation,  false",
            "22P02, invalid_text_representation,   false",
            "42703, undefined_column,              false",
            "42P01, undefined_table,               false",
    })
    void sqlStates(String sqlState, String name, boolean transientFailure) {
        PgException failure = new PgException("ERROR: " + name, "ERROR", sqlState, null);
        assertEquals(transientFailure, TransientFailures.isTransient(failure), sqlState);
        // Hibernate Reactive and Mutiny wrap the driver's exception: the cause decides.
        assertEquals(transientFailure, TransientFailures.isTransient(
                new CompletionException(new IllegalStateException("error executing SQL", failure))), sqlState);
        // What the consumer really meets inside a session: Hibernate's exception around a new SQLException that
        // keeps the SQLSTATE but not the PgException (seen on the dead-letter topic's cause header).
        var viaHibernate = new org.hibernate.JDBCException("error executing SQL statement",
                new java.sql.SQLException("ERROR: " + name, sqlState));
        assertEquals(transientFailure, TransientFailures.isTransient(new CompletionException(viaHibernate)), sqlState);
    }

    @Test
    void connectionTroubleIsTransient() {
        assertEquals(true, TransientFailures.isTransient(new ConnectException("Connection refused")));
        assertEquals(true, TransientFailures.isTransient(new TimeoutException()));
        assertEquals(true, TransientFailures.isTransient(new io.vertx.core.VertxException("Connection was closed")));
        assertEquals(true, TransientFailures.isTransient(new RuntimeException(new ConnectException("refused"))));
    }

    @Test
    void everythingElseIsPermanent() {
        assertEquals(false, TransientFailures.isTransient(new IllegalArgumentException("not a valid BookingEvent")));
        assertEquals(false, TransientFailures.isTransient(new io.vertx.core.VertxException("bad value")));
        assertEquals(false, TransientFailures.isTransient(new PgException("no state", "ERROR", null, null)));
        assertEquals(false, TransientFailures.isTransient(null));
    }
}
