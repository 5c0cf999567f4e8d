package io.customerflow.ingest.service;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

/**
 * Text at ingest's door without U+0000: no name, email or title has one, PostgreSQL cannot store it (the store would
 * dead-letter the booking later, out of the client's sight), and a NUL is a classic way to cut a string short
 * downstream. The booking API refuses it at parse time ({@link #REFUSING}: a 400 naming the field, the value never
 * echoed). Shopify's data drops it ({@link #STRIPPING}, {@link #strip}): a customer typed it into a line-item
 * property, and refusing the webhook would only make Shopify retry it for days while reconciliation reads the same
 * order.
 */
public final class TextWithoutNul extends StdScalarDeserializer<String> {

    public static final TextWithoutNul REFUSING = new TextWithoutNul(false);
    public static final TextWithoutNul STRIPPING = new TextWithoutNul(true);

    private final boolean stripping;

    private TextWithoutNul(boolean stripping) {
        super(String.class);
        this.stripping = stripping;
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        String text = StringDeserializer.instance.deserialize(p, ctx);
        if (text == null || text.indexOf('\u0000') < 0) {
            return text;
        }
        if (stripping) {
            return strip(text);
        }
        throw InvalidFormatException.from(p, "text must not contain U+0000", null, String.class);
    }

    /** The text without U+0000; null stays null. */
    public static String strip(String text) {
        return text == null || text.indexOf('\u0000') < 0 ? text : text.replace("\u0000", "");
    }
}
