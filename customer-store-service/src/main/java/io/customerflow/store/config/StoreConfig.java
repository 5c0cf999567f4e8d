package io.customerflow.store.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** customer-store-service settings (prefix {@code store}). */
@ConfigMapping(prefix = "store")
public interface StoreConfig {

    Api api();

    Consumer consumer();

    Console console();

    /** The operator console at {@code /console} (signed in with a store API token). */
    interface Console {
        /**
         * Key that signs session cookies (any secret text, from a Secret). Unset, each process draws its own at
         * start: sessions then end with the process and don't carry across replicas.
         */
        java.util.Optional<String> sessionKey();

        /** How long a sign-in lasts. */
        @WithDefault("8h")
        java.time.Duration sessionTtl();

        /**
         * The consumers on the sync-health page, by name: their consumer groups as {@code group@topic} (lag read from
         * Kafka); their dead letters are on {@code <name>.dlq.v1}. Defaults in {@code application.properties}.
         */
        Map<String, List<String>> consumers();

        /** Dead letters listed per consumer, newest first. */
        @WithDefault("5")
        int newestDeadLetters();

        /**
         * The shop registry's topic of Flow trigger use ({@code shop-registry.flow-triggers-topic} of the other
         * services), read for the Flow page: which triggers each shop's workflows use.
         */
        @WithDefault("shops.flow-triggers.v1")
        String flowTriggersTopic();

        /** tagging's marks of the Flow triggers sent or refused, counted for the Flow page over the last 24 hours. */
        @WithDefault("tagging.flow-triggers-sent.v1")
        String flowSentTopic();

        /** The shop registry ({@code shop-registry.topic}): the Shops page lists its shops, never their secrets. */
        @WithDefault("shops.v1")
        String registryTopic();

        /** What the services observed of each shop ({@code shop-registry.health-topic}). */
        @WithDefault("shops.health.v1")
        String healthTopic();

        /** ingest's reconciliation and backfill passes ({@code ingest.reconcile.state-topic}): their progress. */
        @WithDefault("ingest.reconcile-state.v1")
        String reconcileStateTopic();

        /**
         * Where the console's requests for work on a shop go ({@code shop-registry.commands-topic}), kept 90 days:
         * ingest does them, and the audit page lists them.
         */
        @WithDefault("shops.commands.v1")
        String commandsTopic();

        /** A shop whose last webhook is older than this is shown as quiet (needs attention). */
        @WithDefault("24h")
        java.time.Duration webhooksQuietAfter();
    }

    interface Consumer {
        /**
         * How long applying one event may take before it counts as a transient failure and is retried (a database
         * call that never answers, e.g. a connection lost without a reset, must not stall the partition forever).
         */
        @WithDefault("30s")
        java.time.Duration applyTimeout();

        /**
         * Customers (with their bookings) a shop/redact erases per transaction: a large shop is erased in as many as
         * it takes, each well inside {@link #applyTimeout()}, and a retry keeps what the earlier ones erased.
         */
        @WithDefault("1000")
        int shopEraseBatch();
    }

    interface Client {
        /** Hex SHA-256 of the token: the token itself is never configured. */
        String tokenSha256();

        /** The shops this token reads; {@code *} for every shop (an operator's own token). */
        Set<String> shops();

        /**
         * Whether the token may also ask for work on its shops in the console (start a backfill, check webhook
         * subscriptions): off, reading is all a token does unless it is given this.
         */
        @WithDefault("false")
        boolean consoleActions();
    }

    interface Api {
        /**
         * Clients of the query API and the console by any name (operators, the merchant app): the SHA-256 of each
         * one's bearer token and the shops it may read. Several clients of one shop during a token rotation. From
         * a mounted Secret ({@code store-clients.properties}); checked at start ({@code StoreClients}).
         */
        Map<String, Client> clients();

        /** The largest page a client may ask for (at least 1). */
        @WithDefault("500")
        @jakarta.validation.constraints.Min(1)
        int maxPageSize();

        /**
         * Failed authentications (a wrong bearer token, a wrong console sign-in) one client address may make per
         * {@code failure-window}; past it, every attempt from that address is answered 429 until the window passes.
         */
        @WithDefault("20")
        @jakarta.validation.constraints.Min(1)
        int failuresPerWindow();

        /** The window of {@code failures-per-window}. */
        @WithDefault("1m")
        java.time.Duration failureWindow();
    }
}
