package io.customerflow.klaviyo.service;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventType;

/**
 * Klaviyo JSON:API request bodies (revision 2026-07-15), as its OpenAPI spec defines them. Event properties are
 * flat scalars: only top-level scalars can drive Klaviyo segments.
 */
public final class KlaviyoBodies {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private KlaviyoBodies() {
    }

    /** One tracked booking step: the event attributes, and the profile they belong to. */
    public record TrackedEvent(ObjectNode profile, ObjectNode eventAttributes, String profileKey, String uniqueId,
            String metric, Instant time) {

        /** The same event for a profile Klaviyo refused the phone number of. */
        public TrackedEvent withoutPhone() {
            return new TrackedEvent(KlaviyoProfiles.withoutPhone(profile), eventAttributes, profileKey, uniqueId, metric,
                    time);
        }

        /** A backfilled booking step: recorded with {@code backfill: true}, so it never fires a merchant's flows. */
        public boolean historical() {
            return eventAttributes.path("backfill").asBoolean(false);
        }
    }

    /** Whether the booking's customer can be a Klaviyo profile (email or E.164 phone). */
    public static boolean identifiable(Customer c) {
        return c != null && (c.email() != null && !c.email().isBlank() || KlaviyoProfiles.validPhone(c.phone()));
    }

    /** A booking step (confirmed, rescheduled, cancelled, completed, no-show) as a Klaviyo event. */
    public static TrackedEvent track(BookingEvent b, EventType step, String metric, String uniqueId) {
        ObjectNode attributes = NODES.objectNode();
        attributes.set("properties", properties(b));
        attributes.put("time", format(b.occurredAt()));
        if (b.price() != null) {
            attributes.put("value", new BigDecimal(b.price().amount()));
            attributes.put("value_currency", b.price().currency());
        }
        attributes.put("unique_id", uniqueId);
        if (b.markedHistorical()) {
            attributes.put("backfill", true);
        }
        ObjectNode metricData = attributes.putObject("metric").putObject("data");
        metricData.put("type", "metric");
        metricData.putObject("attributes").put("name", metric);
        return new TrackedEvent(KlaviyoProfiles.profile(b, step), attributes, KlaviyoProfiles.key(b.customer()), uniqueId,
                metric, b.occurredAt().toInstant());
    }

    /** {@code POST /api/events}: one event, the profile inline. */
    public static ObjectNode createEvent(TrackedEvent e) {
        ObjectNode body = NODES.objectNode();
        ObjectNode data = body.putObject("data");
        data.put("type", "event");
        ObjectNode attributes = data.putObject("attributes");
        attributes.setAll(e.eventAttributes());
        attributes.putObject("profile").set("data", e.profile());
        return body;
    }

    /**
     * {@code POST /api/event-bulk-create-jobs}: events grouped by profile. A job carries one profile per group: the
     * group's profiles merged oldest to newest, so the newest values win and no step's own properties are lost.
     */
    public static ObjectNode bulkCreateEvents(List<List<TrackedEvent>> byProfile) {
        ObjectNode body = NODES.objectNode();
        ObjectNode data = body.putObject("data");
        data.put("type", "event-bulk-create-job");
        var entries = data.putObject("attributes").putObject("events-bulk-create").putArray("data");
        for (List<TrackedEvent> events : byProfile) {
            ObjectNode entry = entries.addObject();
            entry.put("type", "event-bulk-create");
            ObjectNode attributes = entry.putObject("attributes");
            attributes.putObject("profile").set("data", KlaviyoProfiles.newest(events));
            var list = attributes.putObject("events").putArray("data");
            for (TrackedEvent e : events) {
                ObjectNode event = list.addObject();
                event.put("type", "event");
                event.set("attributes", e.eventAttributes());
            }
        }
        return body;
    }

    /** {@code POST /api/data-privacy-deletion-jobs}: exactly one identifier, the email when there is one. */
    public static ObjectNode profileDeletion(String email, String phone) {
        ObjectNode body = NODES.objectNode();
        ObjectNode data = body.putObject("data");
        data.put("type", "data-privacy-deletion-job");
        ObjectNode profile = data.putObject("attributes").putObject("profile").putObject("data");
        profile.put("type", "profile");
        ObjectNode attributes = profile.putObject("attributes");
        if (email != null && !email.isBlank()) {
            attributes.put("email", email.trim());
        } else {
            attributes.put("phone_number", phone);
        }
        return body;
    }

    private static ObjectNode properties(BookingEvent b) {
        ObjectNode p = NODES.objectNode();
        p.put("booking_id", b.bookingId());
        p.put("channel", b.channel().name().toLowerCase());
        p.put("shop", b.shop());
        if (b.service() != null) {
            putIfPresent(p, "service", b.service().title());
            putIfPresent(p, "service_variant", b.service().variantTitle());
            putIfPresent(p, "service_id", b.service().id());
            if (b.service().productId() != null) {
                p.put("product_id", b.service().productId().toString());
            }
        }
        var a = b.appointment();
        if (a != null) {
            if (a.start() != null) {
                p.put("start", format(a.start()));
                if (a.durationMinutes() != null) {
                    p.put("end", format(a.start().plusMinutes(a.durationMinutes())));
                }
            }
            putIfPresent(p, "date", a.date());
            putIfPresent(p, "time", a.time());
            putIfPresent(p, "timezone", a.timezone());
            putIfPresent(p, "duration", a.duration());
            if (a.durationMinutes() != null) {
                p.put("duration_minutes", a.durationMinutes());
            }
            putIfPresent(p, "location", a.location());
            if (!a.resources().isEmpty()) {
                p.put("resources", String.join(", ", a.resources()));
            }
        }
        if (b.order() != null) {
            p.put("order_id", Long.toString(b.order().id()));
            putIfPresent(p, "order_name", b.order().name());
        }
        return p;
    }

    static String format(java.time.OffsetDateTime t) {
        return t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }
}
