package io.customerflow.klaviyo.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** klaviyo-service settings (prefix {@code klaviyo}). API keys come from a Secret, never from defaults. */
@ConfigMapping(prefix = "klaviyo")
public interface KlaviyoConfig {

    /** Klaviyo's API root; tests and the local run point it at a loopback stand-in. */
    @WithDefault("https://a.klaviyo.com")
    String baseUrl();

    /** The pinned API revision header (stable one year, deprecated one more). */
    @WithDefault("2026-07-15")
    String revision();

    /** Send a data-privacy deletion request when Shopify asks to redact a customer. */
    @WithDefault("true")
    boolean deleteProfilesOnRedact();

    /** Default metric names, one per booking step (Title Case past tense, Klaviyo's convention). */
    Metrics metrics();

    /** Klaviyo accounts (merchants) by any name: their private API key and the shops they serve. */
    Map<String, Account> accounts();

    /**
     * Settings of single shops by shop domain, e.g. {@code klaviyo.shops."salon.myshopify.com".confirmed-metric}:
     * a shop's own metric names win over its account's, which win over {@link #metrics()}.
     */
    Map<String, Shop> shops();

    Delivery delivery();

    KeyCheck keyCheck();

    /**
     * The check of each account's key ({@code GET /api/accounts}, within its limit of 15 a minute), reported to the
     * shop health of every shop the account serves: a revoked key shows on the console before a booking fails.
     */
    interface KeyCheck {
        /** Whether keys are checked. */
        @WithDefault("true")
        boolean enabled();

        /** How often each account's key is checked (a new key at once). */
        @WithDefault("6h")
        java.time.Duration interval();
    }

    Routing routing();

    /**
     * How an account's work reaches the one replica that paces it: every replica forwards the events it consumes to
     * the work topic, keyed and partitioned by account, and the replica assigned an account's partition sends it.
     */
    interface Routing {
        /** The work topic (created at start when missing). */
        @WithDefault("klaviyo.work.v1")
        String workTopic();

        /** Partitions of the work topic when it is created here: at most this many replicas send at once. */
        @WithDefault("12")
        int workPartitions();

        /**
         * Compacted topic (1 partition) where a replica handing an account over writes the account's recent request
         * times, so the next owner counts them against the limits. Created at start when missing.
         */
        @WithDefault("klaviyo.pacing.v1")
        String pacingTopic();
    }

    interface Metrics {
        @WithDefault("Booked Appointment")
        String confirmed();

        @WithDefault("Rescheduled Appointment")
        String rescheduled();

        @WithDefault("Cancelled Appointment")
        String cancelled();

        /** The booking app reported that the visit took place: e.g. a review request flow. */
        @WithDefault("Completed Appointment")
        String completed();

        /** The booking app reported that the customer did not come: e.g. a win-back flow. */
        @WithDefault("Missed Appointment")
        String noShow();
    }

    interface Account {
        /** Private API key ({@code Authorization: Klaviyo-API-Key ...}). */
        String apiKey();

        /** Shops whose bookings go to this account. */
        Set<String> shops();

        /** This account's own metric names (e.g. to keep flows built on "Sesami Appointment Created"). */
        Optional<String> confirmedMetric();

        Optional<String> rescheduledMetric();

        Optional<String> cancelledMetric();

        Optional<String> completedMetric();

        Optional<String> noShowMetric();
    }

    interface Shop {
        Optional<String> confirmedMetric();

        Optional<String> rescheduledMetric();

        Optional<String> cancelledMetric();

        Optional<String> completedMetric();

        Optional<String> noShowMetric();
    }

    interface Delivery {
        /** Queued events of one account from which Klaviyo's bulk create jobs are used instead of single creates. */
        @WithDefault("50")
        int bulkThreshold();

        /**
         * Whether live steps also go in the next bulk job when single creates would wait more than 50 ms (their
         * minute spent, or a 429), however short the queue; off: they wait for single-create slots.
         */
        @WithDefault("true")
        boolean bulkWhenSinglesWait();

        /** Events per bulk job (Klaviyo accepts up to 1,000). */
        @WithDefault("1000")
        int bulkSize();

        /**
         * Events taken from Kafka and not yet accepted by Klaviyo, across all accounts; beyond it the consumer pauses
         * its partitions, so an account Klaviyo throttles can't grow the backlog held in memory without bound.
         */
        @WithDefault("20000")
        int maxQueued();

        /** Requests of one account in flight at once. */
        @WithDefault("16")
        int concurrency();

        /**
         * How long 429/5xx/timeouts are retried before the event is dead-lettered. Outlasts an outage of minutes,
         * and stays under the consumer's 10-minute limit for an unacknowledged record.
         */
        @WithDefault("5m")
        Duration giveUpAfter();

        /** First retry delay; doubles per attempt, with jitter. */
        @WithDefault("500ms")
        Duration retryBackoff();

        /**
         * Event ids remembered as delivered, to skip a redelivery without a request. Only a saving: Klaviyo's
         * {@code unique_id} (the event's id) is what keeps a redelivery from counting twice.
         */
        @WithDefault("100000")
        int recentlyDelivered();

        /** Share of Klaviyo's published rate limits the client allows itself (a margin for clock skew). */
        @WithDefault("0.95")
        double rateLimitShare();
    }
}
