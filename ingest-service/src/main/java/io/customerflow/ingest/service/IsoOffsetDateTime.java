package io.customerflow.ingest.service;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * An ISO-8601 date-time with offset, as a JSON string; anything else (java.time would also take a number as epoch
 * seconds, or a local time in the server's zone) is a mismatched input, so the answer names the field.
 */
public final class IsoOffsetDateTime extends StdScalarDeserializer<OffsetDateTime> {

    public IsoOffsetDateTime() {
        super(OffsetDateTime.class);
    }

    @Override
    public OffsetDateTime deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.hasToken(JsonToken.VALUE_STRING)) {
            return (OffsetDateTime) ctxt.handleUnexpectedToken(OffsetDateTime.class, p);
        }
        try {
            return OffsetDateTime.parse(p.getText());
        } catch (DateTimeParseException e) {
            return (OffsetDateTime) ctxt.handleWeirdStringValue(OffsetDateTime.class, p.getText(),
                    "not an ISO-8601 date-time with offset");
        }
    }
}
