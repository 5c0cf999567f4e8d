package io.customerflow.ingest.service;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

/**
 * Text at ingest's door, refused when it holds U+0000: no name, email or title has one, PostgreSQL cannot store it (the
 * store would dead-letter the booking later, out of the client's sight), and a NUL is a classic way to cut a string
 * short downstream. Refused at parse time, so the answer is a 400 naming the field; the value is never echoed.
 */
public final class TextWithoutNul extends StdScalarDeserializer<String> {

    public TextWithoutNul() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        String text = StringDeserializer.instance.deserialize(p, ctx);
        if (text != null && text.indexOf('\u0000') >= 0) {
            throw InvalidFormatException.from(p, "text must not contain U+0000", null, String.class);
        }
        return text;
    }
}
