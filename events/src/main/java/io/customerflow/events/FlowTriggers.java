package io.customerflow.events;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The Shopify Flow triggers customer-flow publishes, one per booking step: the handle and merchant-facing name of
 * each {@code extensions/<handle>/shopify.extension.toml}. ingest records which a shop uses (Flow's lifecycle
 * callbacks), tagging sends them ({@code flowTriggerReceive}).
 */
public enum FlowTriggers {
    BOOKING_CONFIRMED("booking-confirmed", "Booking confirmed", EventType.BOOKING_CONFIRMED),
    BOOKING_RESCHEDULED("booking-rescheduled", "Booking rescheduled", EventType.BOOKING_RESCHEDULED),
    BOOKING_CANCELLED("booking-cancelled", "Booking cancelled", EventType.BOOKING_CANCELLED),
    BOOKING_COMPLETED("booking-completed", "Booking completed", EventType.BOOKING_COMPLETED),
    BOOKING_NO_SHOW("booking-no-show", "Booking missed", EventType.BOOKING_NO_SHOW);

    private final String handle;
    private final String title;
    private final EventType step;

    FlowTriggers(String handle, String title, EventType step) {
        this.handle = handle;
        this.title = title;
        this.step = step;
    }

    /** The extension's handle: fixed once deployed. */
    public String handle() {
        return handle;
    }

    /** The name merchants see in the Flow editor. */
    public String title() {
        return title;
    }

    /** The booking step that sends it. */
    public EventType step() {
        return step;
    }

    /** The trigger a booking step sends, if any. */
    public static Optional<FlowTriggers> of(EventType step) {
        return Arrays.stream(values()).filter(t -> t.step == step).findFirst();
    }

    /**
     * The trigger a lifecycle callback's {@code flow_trigger_definition_id} names. Shopify documents it as "the unique
     * identifier for your Shopify Flow trigger" with a title as example, so the handle and the name both count (case
     * and surrounding blanks aside).
     */
    public static Optional<FlowTriggers> identified(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String given = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.handle.equals(given) || t.title.toLowerCase(Locale.ROOT)
                .equals(given)).findFirst();
    }
}
