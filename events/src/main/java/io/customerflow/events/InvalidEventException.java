package io.customerflow.events;

/** A record that breaks the contract: consumers dead-letter it with this message as the reason. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
