package io.customerflow.ingest.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.customerflow.shopify.AdminApiSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** ingest-service settings (prefix {@code ingest}). Secrets come from the environment only. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    Shopify shopify();

    Booking booking();

    Delivery delivery();

    /**
     * Shops whose orders ingest reads back from the Admin API (reconciliation and backfill), by any name, e.g.
     * {@code ingest.shops.downtown.domain=downtown-salon.myshopify.com}. Without any, nothing is reconciled.
     */
    Map<String, Shop> shops();

    Reconcile reconcile();

    /** Instant-booking API clients by name: each a SHA-256 of its key and the shops it may book for. */
    Map<String, ApiClient> apiClients();

    /** The Shopify app shops install (OAuth), whose expiring tokens ingest refreshes for every service. */
    App app();

    /** The webhook subscriptions ingest keeps in each of the app's shops (docs/SHOPS.md, "Webhook subscriptions"). */
    Subscriptions subscriptions();

    /**
     * Operators of the shop registry by name, each the SHA-256 of its key: they hand shops over
     * ({@code PUT /v1/shops/{shop}}), list and remove them. Never a booking key.
     */
    Map<String, Operator> operators();

    interface App {
        /** The app's client id (Dev Dashboard). Without it, shops come only from the hand-over API or static seeds. */
        Optional<String> clientId();

        /**
         * The app's client secret (a Secret; env {@code INGEST_APP_CLIENT_SECRET}): Shopify signs the app's webhooks and
         * OAuth callbacks with it. A webhook of a shop this app installed is accepted only under this secret (or a
         * {@link #previousClientSecrets() previous} one), never under {@code ingest.shopify.webhook-secrets}.
         */
        Optional<String> clientSecret();

        /**
         * The app's secrets before a rotation (env {@code INGEST_APP_PREVIOUS_CLIENT_SECRETS}, comma-separated): its
         * shops' webhooks signed with one are still accepted until it is removed here.
         */
        Optional<List<String>> previousClientSecrets();

        /** {@code public} (OAuth install, expiring tokens) or {@code custom} (client-credentials grant per shop). */
        @WithDefault("public")
        String kind();

        /** Scopes asked at install, and required of a shop handed over. */
        @WithDefault("read_orders,write_orders,read_customers,write_customers,read_products")
        List<String> scopes();

        /** The public URL of this service's {@code /shopify/callback}, as registered as the app's redirect URL. */
        Optional<String> callbackUrl();

        /** Shopify's authorize page; {@code {shop}} is filled in. */
        @WithDefault("https://{shop}/admin/oauth/authorize")
        String authorizeUrlTemplate();

        /** Shopify's token endpoint; {@code {shop}} is filled in. */
        @WithDefault("https://{shop}/admin/oauth/access_token")
        String tokenUrlTemplate();

        /** How long an install may take from {@code /shopify/install} to the callback (the state's life). */
        @WithDefault("10m")
        Duration installTimeout();

        /** A callback whose {@code timestamp} is further from now than this is refused as stale (or replayed). */
        @WithDefault("5m")
        Duration callbackMaxAge();

        /** Tokens are refreshed this long before they expire (plus a per-shop jitter of up to a tenth of it). */
        @WithDefault("5m")
        Duration refreshAhead();

        /** The consumer group whose partitions of the registry decide which replica refreshes which shop. */
        @WithDefault("ingest-token-refresh")
        String refreshGroup();
    }

    interface Subscriptions {
        /**
         * Keep each installed shop of the app subscribed: read its subscriptions on install and every
         * {@link #interval()}, create what is missing and correct what points elsewhere. Off where the app declares
         * its subscriptions in {@code shopify.app.toml} instead.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * The public HTTPS URL Shopify delivers to: ingest's {@code /webhooks/shopify} behind the ingress. Without
         * it, the origin of {@code ingest.app.callback-url} with that path; without either, nothing is kept.
         */
        Optional<String> callbackUrl();

        /** How often each shop's subscriptions are read again (a new install is read within seconds). */
        @WithDefault("1h")
        Duration interval();

        /** The topics kept (the privacy topics are the app's, declared in {@code shopify.app.toml}). */
        @WithDefault("orders/create,orders/updated,orders/cancelled,app/uninstalled")
        List<String> topics();
    }

    interface Operator {
        /** Hex SHA-256 of the operator's key. */
        String keySha256();
    }

    interface Shop {
        /** The shop's {@code {name}.myshopify.com} domain. */
        String domain();

        /** Admin API access token with {@code read_orders} (Secret; env {@code INGEST_SHOPS_<NAME>_ACCESS_TOKEN}). */
        String accessToken();

        /** Reconcile this shop on the schedule; backfills run whatever this says. */
        @WithDefault("true")
        boolean reconcile();
    }

    interface Reconcile {
        /** The reconciliation schedule on or off for every shop (backfills still run when off). */
        @WithDefault("true")
        boolean enabled();

        /** Time between the end of one pass of a shop and the start of its next. */
        @WithDefault("15m")
        Duration interval();

        /** How far back the first pass of a shop looks (there is no checkpoint yet). Shopify retries for ~4 h. */
        @WithDefault("24h")
        Duration firstLookback();

        /**
         * Orders updated in the last moments are left to their webhooks (in flight right now) and picked up by the
         * next pass if they never arrive: a pass reads up to now minus this.
         */
        @WithDefault("2m")
        Duration settle();

        /** Orders per page: a page's requested cost is about {@code page-size × (line-items + 2)} points. */
        @WithDefault("25")
        int pageSize();

        /** Line items read per order (an order with more counts a {@code truncated_line_items} problem). */
        @WithDefault("20")
        int lineItems();

        /**
         * Share of a shop's cost bucket a pass leaves available, so tagging-service's writes to the same shop keep
         * flowing during a backfill (both read the bucket's true level from Shopify's answers).
         */
        @WithDefault("0.25")
        double keepForLive();

        /** Shops reconciled at the same time. */
        @WithDefault("4")
        int concurrency();

        /** The compacted topic of each shop's pass state and checkpoint (one partition: its owner runs the passes). */
        @WithDefault("ingest.reconcile-state.v1")
        String stateTopic();

        /** The compacted topic of the last {@code updated_at} ingest published per order. */
        @WithDefault("ingest.orders-seen.v1")
        String seenTopic();

        /**
         * How long the leader remembers an order's last published {@code updated_at} (the seen table is held in
         * memory: this bounds it). Longer than Shopify's webhook retries (4 h) and a shop's first look-back; an order
         * updated again after it is simply published again, and the consumers collapse the repeat.
         */
        @WithDefault("7d")
        Duration seenRetention();

        /** Consumer group whose owner of the state topic's partition runs the passes: one replica at a time. */
        @WithDefault("ingest-service-reconciler")
        String groupId();

        /** How quickly another replica takes over the passes when the owner dies without leaving the group. */
        @WithDefault("10s")
        Duration takeoverAfter();

        /** How a backfill reads its orders: one bulk operation rather than pages. */
        Bulk bulk();
    }

    /**
     * A backfill's bulk read ({@code bulkOperationRunQuery}): Shopify exports the window's orders to a JSONL file
     * while the shop's cost bucket stays free for live work; ingest streams the file and publishes as it reads.
     */
    interface Bulk {
        /** Backfills read through a bulk operation; false: they page through orders like reconciliation does. */
        @WithDefault("true")
        boolean enabled();

        /** How often a running operation's status is asked (one point of the shop's bucket each time). */
        @WithDefault("5s")
        Duration pollInterval();

        /** Operations started for one backfill (a failed or expired one is started again) before it falls back to paging. */
        @WithDefault("3")
        int attempts();

        /** Orders published per Kafka acknowledgement; the checkpoint moves after each such batch. */
        @WithDefault("500")
        int batchSize();

        /**
         * Where a result may be downloaded from: a result URL that starts with none of these is refused, so a
         * tampered answer can't send ingest to another address. Shopify's results are on Google Cloud Storage.
         */
        @WithDefault("https://storage.googleapis.com/")
        java.util.List<String> resultUrlPrefixes();

        /** How long a result download may stall (no byte arriving) before it is opened again from its checkpoint. */
        @WithDefault("60s")
        Duration readTimeout();

        /** The longest JSONL line read (an order, a line item); a longer one ends the read as malformed. */
        @WithDefault("1048576")
        int maxLineBytes();
    }

    interface Shopify extends AdminApiSettings {
        /**
         * How long 429/5xx answers, timeouts and THROTTLED answers are retried before a page is given up: the pass
         * resumes from its checkpoint at the next interval, so it need not outlast an outage.
         */
        @Override
        @WithDefault("2m")
        Duration giveUpAfter();

        /** A page of orders with their line items is a large answer: more time than a mutation's. */
        @Override
        @WithDefault("20s")
        Duration readTimeout();

        /** Cost assumed for a page before Shopify reported one (then what Shopify reported is reserved). */
        @Override
        @WithDefault("600")
        int assumedCallCost();

        /**
         * HMAC keys of the shops no configured app installed: static seeds, hand-overs while {@code ingest.app} is
         * unset, and shops not (yet) in the registry. Several during a rotation: a webhook signed with any is accepted.
         * Never accepted for a shop of {@code ingest.app.client-id}. Required without that app. Env:
         * {@code INGEST_SHOPIFY_WEBHOOK_SECRETS} (comma-separated).
         */
        Optional<List<String>> webhookSecrets();

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

        /**
         * Product tags that make a line item a booking whatever its properties (case-insensitive): the tag the booking
         * app puts on every bookable product. Reconciliation and backfill read them with the order; a webhook's order
         * is published at once and its bookings by tag follow when ingest has looked the products up (docs/BOOKINGS.md).
         * Set it empty to recognise bookings by marks, ids and SKUs only.
         */
        @WithDefault("sesami-service")
        Optional<List<String>> productTags();

        /** Product ids whose line items are bookings (Shopify's ids are unique across shops). */
        Optional<Set<Long>> productIds();

        /** SKU prefixes whose line items are bookings (case-sensitive, as Shopify stores the SKU). */
        Optional<List<String>> skuPrefixes();

        /** How long a product's looked-up tags are trusted before they are looked up again. */
        @WithDefault("10m")
        Duration productTagsTtl();

        /** Orders whose products are being looked up at once, across shops (one shop's orders go one at a time). */
        @WithDefault("64")
        int lookupsInFlight();

        /**
         * An order read back later than this after its webhook (a first deploy reading the topic's retention, a long
         * outage of the look-ups) gives historical bookings: recorded everywhere, starting no merchant's automations.
         */
        @WithDefault("6h")
        Duration lookupLiveWithin();

        /**
         * After a shop's look-up outlasted the Admin client's retries ({@code ingest.shopify.give-up-after}), its
         * orders are dead-lettered at once for this long, so one shop's outage never holds the other shops'.
         */
        @WithDefault("5m")
        Duration lookupPauseAfterGivingUp();

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

        /**
         * Records handed to Kafka and not yet acknowledged, past which a request is answered 503 with Retry-After at
         * once instead of queueing behind them towards its timeout: past capacity the service keeps answering what it
         * can take (about half a second of a replica's throughput on a 2-core box). A request alone is always let
         * through, however many records it has.
         */
        @WithDefault("1000")
        int maxInFlight();

        /**
         * The most Shopify webhooks worked on at once. Ingest adapts its limit below this to how long webhooks take
         * (see {@code latency-target}); past the limit a webhook is answered 503 with Retry-After once its body has
         * arrived, before its HMAC is checked or its JSON parsed. At least 16.
         */
        @WithDefault("256")
        int maxConcurrentRequests();

        /**
         * The answer time ingest holds webhooks to, counted from their arrival: a webhook slower than this (queueing
         * for a core or for Kafka, or a slow upload) shrinks the admission limit by a quarter, faster ones while it is
         * in use grow it by one per limit's worth of them.
         */
        @WithDefault("500ms")
        Duration latencyTarget();
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
