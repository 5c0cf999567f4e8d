package io.customerflow.ingest.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** ingest-service settings (prefix {@code ingest}). Secrets come from the environment only. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    Shopify shopify();

    Booking booking();

    Delivery delivery();

    /** Instant-booking API clients by name: each a SHA-256 of its key and the shops it may book for. */
    Map<String, ApiClient> apiClients();

    interface Shopify {
        /**
         * The app's client secrets (HMAC keys). Several during a rotation: a webhook signed with any is accepted.
         * Env: {@code INGEST_SHOPIFY_WEBHOOK_SECRETS} (comma-separated).
         */
        List<String> webhookSecrets();

        /** How many recent webhook ids are remembered to drop exact repeats at the door. */
        @WithDefault("100000")
        int recentWebhookIds();
    }

    interface Booking {
        /**
         * Line-item property names that mark a booking line item. The visible names the booking app writes are
         * translated per shop locale; the hidden {@code _reservation_token} and {@code _session-id} are not.
         */
        @WithDefault("Duration,_reservation_token,_session-id")
        Set<String> markProperties();

        /** Property names read into the booking's details, per field; any of the names matches (case-insensitive). */
        BookingFields fields();
    }

    interface BookingFields {
        @WithDefault("Date,日付,日期")
        List<String> date();

        @WithDefault("Time,時間,时间")
        List<String> time();

        @WithDefault("Timezone,タイムゾーン,时区")
        List<String> timezone();

        @WithDefault("Duration,所要時間,时长")
        List<String> duration();

        @WithDefault("Location,場所,地点")
        List<String> location();

        @WithDefault("Resources,Resource,Staff,担当者,员工")
        List<String> resources();
    }

    interface Delivery {
        /**
         * The longest a request waits for Kafka's acknowledgement before answering 503 with Retry-After. Shopify
         * gives up after 5 s, so stay well inside.
         */
        @WithDefault("3s")
        Duration publishTimeout();

        /** Seconds a client is told to wait (Retry-After) when Kafka is unavailable. */
        @WithDefault("5")
        int retryAfterSeconds();
    }

    interface ApiClient {
        /** Hex SHA-256 of the API key: keys themselves are never configured or stored. */
        String keySha256();

        /** Shops (myshopify.com domains) this key may book for. */
        Set<String> shops();

        /** Optional label for metrics. */
        Optional<String> label();
    }
}
