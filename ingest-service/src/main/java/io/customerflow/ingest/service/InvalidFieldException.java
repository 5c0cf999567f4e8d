package io.customerflow.ingest.service;

/** One field of a request is invalid in a way Bean Validation can't express (e.g. an unknown time zone). */
public class InvalidFieldException extends BadPayloadException {

    private final String field;

    public InvalidFieldException(String field, String message) {
        super(field + " " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
