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
                String state = pg.getSqlState();
                return state != null && state.length() >= 2 && TRANSIENT_CLASSES.contains(state.substring(0, 2));
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

    private static boolean isConnectionMessage(String message) {
        return message != null && (message.contains("closed") || message.contains("Connection")
                || message.contains("connection") || message.contains("Timeout"));
    }
}
