package io.customerflow.ingest.service;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * A decimal of a size money can have: at most {@value #MAX_DIGITS} digits before and after the point. A short text
 * such as {@code 1e999999999} is a valid JSON number whose plain form has a billion digits; printing it (a price
 * becomes {@code "65.00"} in the contract) would take the request thread and its memory, so it is refused where it
 * is read, as a mismatched field.
 */
public final class BoundedDecimal extends StdScalarDeserializer<BigDecimal> {

    static final int MAX_DIGITS = 30;

    public BoundedDecimal() {
        super(BigDecimal.class);
    }

    @Override
    public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        BigDecimal value = NumberDeserializers.BigDecimalDeserializer.instance.deserialize(p, ctxt);
        if (value != null && (Math.abs((long) value.scale()) > MAX_DIGITS
                || (long) value.precision() - value.scale() > MAX_DIGITS)) {
            // Its scientific form is short (1E+999999999): safe to name in the answer.
            return (BigDecimal) ctxt.handleWeirdNumberValue(BigDecimal.class, value,
                    "more than " + MAX_DIGITS + " digits before or after the point");
        }
        return value;
    }
}
