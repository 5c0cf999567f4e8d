package io.customerflow.events;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One observation of a shop's health: the value of a record on {@code shops.health.v1} (key {@code {shop}/{aspect}}),
 * written by the service that observed it, read by the store's console. States, times, counts and fixed reason words
 * only: never a token, a key, a name or an email.
 *
 * @param state one of the aspect's {@link Aspect#states()}
 * @param at when it was observed
 * @param detail a fixed reason word (e.g. {@code unavailable}), or null
 * @param figures counts that go with it (e.g. {@code created}, {@code updated} subscriptions), or empty
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ShopHealthReport(String state, OffsetDateTime at, String detail, Map<String, Long> figures) {

    public ShopHealthReport {
        figures = figures == null ? Map.of() : Map.copyOf(figures);
    }

    /** What a report is about, and the states it may be in. */
    public enum Aspect {
        /** ingest: the last verified webhook of the shop. */
        WEBHOOKS(List.of("received")),
        /**
         * ingest: the last check of the shop's webhook subscriptions; {@code not_kept} where ingest keeps none for the
         * shop (no public HTTPS address, subscriptions off, a shop of no app or another app), answering a console's
         * request to check.
         */
        SUBSCRIPTIONS(List.of("ok", "repaired", "failed", "not_kept")),
        /** ingest: the last refresh of the shop's Admin API token. */
        TOKEN(List.of("refreshed", "refused", "failed")),
        /** klaviyo-service: the last check of the Klaviyo key that serves the shop (an authenticated call). */
        KLAVIYO(List.of("valid", "revoked", "failed"));

        private final List<String> states;

        Aspect(List<String> states) {
            this.states = states;
        }

        /** The states a report of this aspect may have. */
        public List<String> states() {
            return states;
        }

        /** Its word in a record key, e.g. {@code subscriptions}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Aspect> of(String word) {
            for (Aspect a : values()) {
                if (a.word().equals(word)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /** Now, without figures. */
    public static ShopHealthReport now(String state, String detail) {
        return new ShopHealthReport(state, OffsetDateTime.now(java.time.ZoneOffset.UTC), detail, Map.of());
    }

    /** Whether it is a report the aspect can have: a known state, a time, a reason word if any. */
    public boolean validFor(Aspect aspect) {
        return at != null && aspect.states().contains(state) && (detail == null || detail.matches("[a-z0-9_]{1,40}"))
                && figures.values().stream().allMatch(v -> v != null && v >= 0);
    }
}
