package io.customerflow.klaviyo.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventRecord;
import io.customerflow.klaviyo.client.KlaviyoFailure;
import io.customerflow.klaviyo.config.KlaviyoConfig;

/** Decides what Klaviyo gets for an event: a tracked booking step, a profile deletion, or nothing. */
@ApplicationScoped
public class KlaviyoWorkPlanner {

    /**
     * Work for one Klaviyo account (by its name, {@link KlaviyoAccounts}): exactly one of {@code tracked} and
     * {@code deletion} is set.
     */
    public record Work(String account, String apiKey, KlaviyoBodies.TrackedEvent tracked, ObjectNode deletion) {
        @Override
        public String toString() {
            return "Work[" + account + "]"; // never the key
        }
    }

    private final KlaviyoConfig config;
    private final MetricNames metricNames;
    private final KlaviyoAccounts accounts;

    public KlaviyoWorkPlanner(KlaviyoConfig config, MetricNames metricNames, KlaviyoAccounts accounts) {
        this.config = config;
        this.metricNames = metricNames;
        this.accounts = accounts;
    }

    /**
     * @return the work, or empty when Klaviyo gets nothing for this event
     * @throws KlaviyoFailure when the event can never be delivered (unknown or uninstalled shop, no profile
     *         identifier)
     */
    public Optional<Work> plan(EventRecord<?> event) {
        return switch (event.type()) {
            case BOOKING_CONFIRMED, BOOKING_RESCHEDULED, BOOKING_CANCELLED, BOOKING_COMPLETED, BOOKING_NO_SHOW ->
                    track(event);
            case CUSTOMER_REDACT_REQUESTED -> deletion(event.dataAs(CustomerRedactRequested.class));
            default -> Optional.empty();
        };
    }

    private Optional<Work> track(EventRecord<?> event) {
        BookingEvent booking = event.dataAs(BookingEvent.class);
        Optional<KlaviyoAccounts.Account> connected = accounts.forShop(booking.shop());
        if (connected.isEmpty()) {
            return Optional.empty(); // a registered shop that did not connect Klaviyo
        }
        KlaviyoAccounts.Account account = connected.get();
        if (!KlaviyoBodies.identifiable(booking.customer())) {
            throw new KlaviyoFailure(DeadLetterReason.MISSING_DATA, "the booking has no email or E.164 phone: Klaviyo needs a profile identifier", 0);
        }
        String metric = metricNames.of(booking.shop(), account.config(), event.type());
        // unique_id = ce_id: a redelivery (or a replay) can't count the same booking step twice.
        return Optional.of(new Work(account.name(), account.apiKey(), KlaviyoBodies.track(booking, event.type(), metric, event.id()),
                null));
    }

    private Optional<Work> deletion(CustomerRedactRequested redact) {
        boolean hasIdentifier = redact.email() != null && !redact.email().isBlank();
        if (!config.deleteProfilesOnRedact() || !hasIdentifier) {
            return Optional.empty(); // nothing of this customer was sent to Klaviyo by us, or deletion is off
        }
        KlaviyoAccounts.Account account;
        try {
            account = accounts.forShop(redact.shop()).orElse(null);
        } catch (KlaviyoFailure e) {
            // Uninstalled (its key erased) or unknown: no key to ask Klaviyo with; the shop's own redaction follows.
            return Optional.empty();
        }
        if (account == null) {
            return Optional.empty();
        }
        return Optional.of(new Work(account.name(), account.apiKey(), null, KlaviyoBodies.profileDeletion(redact.email(), null)));
    }
}
