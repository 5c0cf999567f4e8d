package io.customerflow.events;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents 1.0 attributes in Kafka binary mode: {@code ce_*} headers, JSON data in the value. ingest hands them to
 * the Kafka connector, whose CloudEvents support writes the headers; {@link #toHeaders()} writes the same headers
 * for plain Kafka producers (the tests, the bench), and {@link #fromHeaders} reads them in every consumer.
 *
 * @param id      stable per business event (see docs/DESIGN-NOTES.md, "Event contract"): consumers dedupe on it
 * @param source  who saw it first, e.g. {@code /shopify/{shop}} or {@code /instant-bookings/{shop}}
 * @param subject what it is about, e.g. {@code order/123} or {@code booking/abc}
 */
public record CloudEvent(String id, EventType type, String source, String subject, OffsetDateTime time) {

    public static final String SPEC_VERSION = "1.0";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String SUBJECT = "ce_subject";
    public static final String TIME = "ce_time";
    public static final String SPECVERSION = "ce_specversion";
    public static final String CONTENT_TYPE = "content-type";
    public static final String JSON = "application/json";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
    }

    /** The headers of a Kafka record carrying this event. */
    public Headers toHeaders() {
        RecordHeaders headers = new RecordHeaders();
        put(headers, SPECVERSION, SPEC_VERSION);
        put(headers, ID, id);
        put(headers, TYPE, type.ceType());
        put(headers, SOURCE, source);
        if (subject != null) {
            put(headers, SUBJECT, subject);
        }
        put(headers, TIME, time.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        put(headers, CONTENT_TYPE, JSON);
        return headers;
    }

    /**
     * Reads the attributes back.
     *
     * @throws InvalidEventException when a required header is missing or the type is unknown
     */
    public static CloudEvent fromHeaders(Headers headers) {
        String id = required(headers, ID);
        String typeName = required(headers, TYPE);
        EventType type = EventType.fromCeType(typeName)
                .orElseThrow(() -> new InvalidEventException("unknown ce_type " + typeName));
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(required(headers, TIME));
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidEventException("ce_time is not an RFC 3339 timestamp");
        }
        return new CloudEvent(id, type, required(headers, SOURCE), header(headers, SUBJECT), time);
    }

    public static String header(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String required(Headers headers, String name) {
        String value = header(headers, name);
        if (value == null || value.isBlank()) {
            throw new InvalidEventException("missing header " + name);
        }
        return value;
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
