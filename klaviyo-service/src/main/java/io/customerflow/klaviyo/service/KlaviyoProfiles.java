package io.customerflow.klaviyo.service;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventType;

/**
 * The profile sent inline with each booking event, and the segment-friendly profile properties each booking step
 * keeps current (see {@code package-info}). Only the step's own properties are sent: Klaviyo leaves a property
 * that is left out unchanged, so a cancellation never overwrites when the customer last booked.
 */
final class KlaviyoProfiles {

    static final String LAST_BOOKING_AT = "last_booking_at";
    static final String LAST_BOOKING_CHANNEL = "last_booking_channel";
    static final String LAST_BOOKED_SERVICE = "last_booked_service";
    static final String LAST_RESCHEDULED_AT = "last_rescheduled_at";
    static final String LAST_CANCELLED_AT = "last_cancelled_at";
    static final String LAST_COMPLETED_AT = "last_completed_at";
    static final String LAST_NO_SHOW_AT = "last_no_show_at";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String E164 = "\\+[1-9][0-9]{6,14}";

    private KlaviyoProfiles() {
    }

    static boolean validPhone(String phone) {
        return phone != null && phone.matches(E164);
    }

    static ObjectNode profile(BookingEvent b, EventType step) {
        Customer c = b.customer();
        ObjectNode profile = NODES.objectNode();
        profile.put("type", "profile");
        ObjectNode attributes = profile.putObject("attributes");
        if (c.email() != null && !c.email().isBlank()) {
            attributes.put("email", c.email().trim());
        }
        if (validPhone(c.phone())) {
            attributes.put("phone_number", c.phone());
        }
        KlaviyoBodies.putIfPresent(attributes, "first_name", c.firstName());
        KlaviyoBodies.putIfPresent(attributes, "last_name", c.lastName());
        ObjectNode properties = attributes.putObject("properties");
        String at = KlaviyoBodies.format(b.occurredAt());
        switch (step) {
            case BOOKING_CONFIRMED -> {
                properties.put(LAST_BOOKING_AT, at);
                properties.put(LAST_BOOKING_CHANNEL, b.channel().name().toLowerCase());
                if (b.service() != null) {
                    KlaviyoBodies.putIfPresent(properties, LAST_BOOKED_SERVICE, b.service().title());
                }
            }
            case BOOKING_RESCHEDULED -> properties.put(LAST_RESCHEDULED_AT, at);
            case BOOKING_CANCELLED -> properties.put(LAST_CANCELLED_AT, at);
            case BOOKING_COMPLETED -> properties.put(LAST_COMPLETED_AT, at);
            case BOOKING_NO_SHOW -> properties.put(LAST_NO_SHOW_AT, at);
            default -> throw new IllegalArgumentException("not a booking step: " + step);
        }
        return profile;
    }

    /**
     * One profile for a bulk job's group of events: merged oldest to newest (by event time), so the newest name,
     * phone and step times win, and a property only an older step sets (e.g. {@code last_booking_at}) is kept.
     */
    static ObjectNode newest(List<KlaviyoBodies.TrackedEvent> events) {
        List<KlaviyoBodies.TrackedEvent> byTime = events.stream()
                .sorted(Comparator.comparing(KlaviyoBodies.TrackedEvent::time)).toList();
        ObjectNode merged = byTime.get(0).profile().deepCopy();
        ObjectNode attributes = (ObjectNode) merged.get("attributes");
        ObjectNode properties = (ObjectNode) attributes.get("properties");
        for (KlaviyoBodies.TrackedEvent e : byTime.subList(1, byTime.size())) {
            ObjectNode next = (ObjectNode) e.profile().get("attributes");
            next.fields().forEachRemaining(field -> {
                if (!field.getKey().equals("properties")) {
                    attributes.set(field.getKey(), field.getValue().deepCopy());
                }
            });
            properties.setAll((ObjectNode) next.get("properties").deepCopy());
        }
        return merged;
    }

    static ObjectNode withoutPhone(ObjectNode profile) {
        ObjectNode copy = profile.deepCopy();
        ((ObjectNode) copy.get("attributes")).remove("phone_number");
        return copy;
    }

    static boolean hasPhone(ObjectNode profile) {
        return profile.path("attributes").has("phone_number");
    }

    /** Profiles are matched by email, else phone: the same key groups a profile's events in a bulk job. */
    static String key(Customer c) {
        return c.email() != null && !c.email().isBlank() ? "email:" + c.email().trim().toLowerCase()
                : "phone:" + c.phone();
    }
}
