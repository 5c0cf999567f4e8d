package io.customerflow.store.service;

import java.net.ConnectException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.vertx.pgclient.PgException;

/** Tells database failures worth waiting out (connection lost, deadlock, overload) from permanent ones. */
public final class TransientFailures {

    /** SQLSTATE classes and codes that go away on their own. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57");

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return isTransientState(pg.getSqlState());
            }
            // Hibernate Reactive hands the driver's error on as a new SQLException with the same SQLSTATE (and
            // without the PgException as its cause): a deadlock met inside a session arrives like this.
            if (t instanceof java.sql.SQLException sql) {
                return isTransientState(sql.getSQLState());
            }
            if (t instanceof ConnectException || t instanceof TimeoutException
                    || t instanceof io.netty.channel.ConnectTimeoutException
                    || t instanceof io.vertx.core.VertxException && isConnectionMessage(t.getMessage())
                    || t.getClass().getName().endsWith("ClosedConnectionException")) {
                return true;
            }
        }
        return false;
    }

    /** The failure's SQLSTATE (for logs: never its message, which may quote a row), or its type. */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return "SQLSTATE " + pg.getSqlState();
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return "SQLSTATE " + sql.getSQLState();
            }
        }
        return failure == null ? "null" : failure.getClass().getSimpleName();
    }

    /** A call that took too long: the consumer's own timeout, or PostgreSQL's statement timeout (57014). */
    public static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof PgException pg && "57014".equals(pg.getSqlState())
                    || t instanceof java.sql.SQLException sql && "57014".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransientState(String state) {
        return state != null && state.length() >= 2 && TRANSIENT_CLASSES.contains(state.substring(0, 2));
    }

    private static boolean isConnectionMessage(String message) {
        return message != null && (message.contains("closed") || message.contains("Connection")
                || message.contains("connection") || message.contains("Timeout"));
    }
}
