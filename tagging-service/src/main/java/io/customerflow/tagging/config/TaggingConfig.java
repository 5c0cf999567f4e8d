package io.customerflow.tagging.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.customerflow.shopify.AdminApiSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** tagging-service settings (prefix {@code tagging}). Access tokens come from a Secret, never from defaults. */
@ConfigMapping(prefix = "tagging")
public interface TaggingConfig {

    Shopify shopify();

    /**
     * Shops by any name (e.g. {@code tagging.shops.downtown.domain=downtown-salon.myshopify.com}): their Admin API
     * access token and, optionally, their own tag names.
     */
    Map<String, Shop> shops();

    /** The rules, evaluated in order for every order event. Validated at start: a bad rule stops the service. */
    List<Rule> rules();

    Consumer consumer();

    Flow flow();

    /** Shopify Flow triggers: booking steps sent with {@code flowTriggerReceive} to shops whose workflows use them. */
    interface Flow {
        /**
         * Send the triggers. A shop gets a step's trigger only while Flow's lifecycle callbacks (recorded by ingest in
         * the shop registry) say one of its enabled workflows starts with it.
         */
        @WithDefault("true")
        boolean enabled();

        /** The compacted topic of the event ids whose trigger was sent: a redelivery never starts a workflow twice. */
        @WithDefault("tagging.flow-triggers-sent.v1")
        String sentTopic();

        /** How long a sent trigger's event id is remembered (on the topic and in memory). */
        @WithDefault("P7D")
        Duration sentRetention();
    }

    interface Consumer {
        /**
         * Records taken from Kafka and not yet done, across all shops' lanes; beyond it the consumer pauses its
         * partitions (a slow shop can't make the service hold an unbounded backlog in memory).
         */
        @WithDefault("512")
        int maxInFlight();

        /** Event ids remembered as done, to skip a redelivery without a Shopify call (tagsAdd is idempotent anyway). */
        @WithDefault("50000")
        int recentlyDone();
    }

    interface Shopify extends AdminApiSettings {
        /** Product tags are cached per shop for this long: 100 orders of one product cost one look-up. */
        @WithDefault("10m")
        Duration productTagsTtl();

        /**
         * How long 429/5xx answers, timeouts and THROTTLED answers are retried before the event is dead-lettered.
         * Outlasts an outage of minutes (the shop's lane waits meanwhile), and stays under the consumer's 10-minute
         * limit for an unacknowledged record.
         */
        @Override
        @WithDefault("5m")
        Duration giveUpAfter();

        /** How long to wait for Shopify's answer to a mutation before the attempt counts as a timeout (retried). */
        @Override
        @WithDefault("10s")
        Duration readTimeout();

        /**
         * Cost assumed for a query before Shopify has reported its {@code requestedQueryCost} (a simple mutation
         * costs about 10 points); from then on pacing reserves what Shopify reported.
         */
        @Override
        @WithDefault("10")
        int assumedCallCost();
    }

    interface Shop {
        /** The shop's permanent {@code {name}.myshopify.com} domain. */
        String domain();

        /** Admin API access token ({@code X-Shopify-Access-Token}). */
        String accessToken();

        /** Renames of the rules' tags for this shop, e.g. {@code booked-appointment=予約済み}. */
        Map<String, String> tagNames();

        /**
         * Instant bookers become Shopify customers: for an instant booking's step, the customer is looked up by
         * email and, only when the shop has none, created (email, first and last name, locale: never marketing
         * consent), then tagged by the booking-step rules. Off by default: it needs the {@code write_customers} scope
         * and protected customer data access (name, email) on the shop's token (deploy/README.md).
         */
        @WithDefault("false")
        boolean createInstantCustomers();
    }

    interface Rule {
        /** Names the rule in logs, metrics and start-up errors. */
        String name();

        /** False keeps a rule configured but inactive. */
        @WithDefault("true")
        boolean enabled();

        /**
         * {@code ORDER_CREATED} or {@code ORDER_CANCELLED} (an order's line items are matched by the conditions), or
         * a booking step, for both channels: {@code BOOKING_CONFIRMED}, {@code BOOKING_RESCHEDULED},
         * {@code BOOKING_CANCELLED}, {@code BOOKING_COMPLETED}, {@code BOOKING_NO_SHOW} (no conditions: narrowed by
         * {@link #channels()}).
         */
        String trigger();

        /** Booking-step triggers only: {@code CHECKOUT} and/or {@code INSTANT}; both when left out. */
        Optional<Set<String>> channels();

        /** {@code ANY} (default) or {@code ALL} of the conditions. */
        @WithDefault("ANY")
        String match();

        /** Over an order's line items; required for order triggers, none for booking steps. */
        List<Condition> conditions();

        List<Action> actions();
    }

    interface Condition {
        /** {@code LINE_ITEM_PROPERTY}, {@code PRODUCT_TAG}, {@code PRODUCT_ID} or {@code SKU_PREFIX}. */
        String type();

        /** LINE_ITEM_PROPERTY: the property name (exact). */
        Optional<String> property();

        /** LINE_ITEM_PROPERTY: a regular expression the value must match (whole value). */
        Optional<String> valuePattern();

        /** PRODUCT_TAG: the product tag. */
        Optional<String> tag();

        /** PRODUCT_ID: product ids. */
        Optional<List<Long>> productIds();

        /** SKU_PREFIX: the prefix. */
        Optional<String> prefix();
    }

    interface Action {
        /** {@code ADD_CUSTOMER_TAGS}, {@code REMOVE_CUSTOMER_TAGS} or {@code ADD_ORDER_TAGS}. */
        String type();

        List<String> tags();
    }
}
