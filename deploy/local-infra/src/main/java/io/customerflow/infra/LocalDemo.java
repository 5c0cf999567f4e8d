package io.customerflow.infra;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Ports, demo credentials and per-service configuration of the local run. Demo values only: never in prod. */
public final class LocalDemo {

    public static final int POSTGRES_PORT = 15432;
    public static final int KAFKA_PORT = 19092;
    public static final int STAND_IN_PORT = 8089;

    /** Where the parts of one stack listen. */
    public record Ports(int postgres, int kafka, int standIn, Map<String, Integer> services) {

        public int service(String name) {
            return services.get(name);
        }

        /** Free ports for everything: a stack that runs beside another. */
        public static Ports free() {
            Map<String, Integer> services = new LinkedHashMap<>();
            SERVICES.keySet().forEach(name -> services.put(name, FreePorts.find()));
            return new Ports(FreePorts.find(), FreePorts.find(), FreePorts.find(), services);
        }
    }
    /** Started side by side, awaited (and their connections printed) in this order. */
    public static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

    public static final String WEBHOOK_SECRET = "local-demo-webhook-secret";
    public static final String API_KEY = "local-demo-api-key";
    public static final String STORE_TOKEN = "local-demo-store-token";
    /** An operator's key for ingest's shop registry API ({@code /v1/shops}): public like the others. */
    public static final String OPERATOR_KEY = "local-demo-operator-key";
    public static final String SHOPIFY_TOKEN = "local-demo-shopify-token";
    public static final String KLAVIYO_KEY = "pk_local_demo";
    public static final String LEDGER_KEY = "local-demo-ledger-key";
    /**
     * The demo's Shopify app: its demo shops install through OAuth against the stand-in at every {@code up}. Shopify
     * signs an app's webhooks with its client secret, and ingest accepts a shop's webhooks only under the secret of the
     * app that installed it, so the demo app's secret is the webhook secret the demo signs with.
     */
    public static final String APP_CLIENT_ID = "local-demo-app";
    public static final String APP_SECRET = WEBHOOK_SECRET;
    /** The stand-in's tokens live this long, so the local run refreshes them while it runs. */
    public static final java.time.Duration TOKEN_LIFETIME = java.time.Duration.ofMinutes(10);
    /** The shop registry's data key (32 bytes, base64): public like the demo's other credentials. */
    public static final String REGISTRY_KEY = "Y3VzdG9tZXItZmxvdyBsb2NhbCBydW4gZGF0YSBrZXk=";
    public static final String[] SHOPS = { "demo-salon.myshopify.com", "tokyo-spa.myshopify.com",
            "shanghai-studio.myshopify.com" };

    static {
        SERVICES.put("customer-store-service", 8081);
        SERVICES.put("tagging-service", 8082);
        SERVICES.put("klaviyo-service", 8083);
        SERVICES.put("ingest-service", 8080);
    }

    public static final Ports DEFAULT_PORTS = new Ports(POSTGRES_PORT, KAFKA_PORT, STAND_IN_PORT, SERVICES);

    private LocalDemo() {
    }

    /**
     * Each service's generated file: the local broker and database, the run's credentials, and the stand-in for
     * Shopify and Klaviyo unless the user points that service elsewhere ({@link LocalSettings#userValue}), in which
     * case the demo shops or account are left out too, so no demo token ever reaches a real API. Each file declares
     * {@link LocalSettings#GENERATED_ORDINAL}: everything the user sets wins over it.
     *
     * @param credentials the demo's, or once connected ({@link #connected}) the run's own, with no webhook secret
     * @param oauth the stand-in plays Shopify's OAuth: ingest gets the demo app, and the demo shops are installed
     *     through it ({@link #installsDemoShops}) instead of seeded with static tokens
     * @param ingestPort where ingest listens (its OAuth callback URL)
     */
    public static Map<String, String> serviceConfigs(String kafka, PostgresServer pg, String standIn,
            LocalSettings settings, LocalCredentials credentials, boolean oauth, int ingestPort) {
        String shops = String.join(",", SHOPS);
        String common = "# written by ./customer-flow up at each start: edit " + settings.connectFile() + " instead\n"
                + "config_ordinal=" + LocalSettings.GENERATED_ORDINAL + "\n"
                + "kafka.bootstrap.servers=" + kafka + "\n"
                // The redaction ledger's key: public like the demo's other credentials (Kafka is on loopback).
                + "privacy.ledger-key=" + LEDGER_KEY + "\n"
                + "shop-registry.data-keys.local=" + REGISTRY_KEY + "\n";
        Map<String, String> configs = new LinkedHashMap<>();
        StringBuilder ingest = new StringBuilder(common);
        // Connected: no webhook secret but the user's app's (ingest does not start without one, naming the property).
        credentials.webhookSecret().ifPresent(secret -> ingest.append("ingest.shopify.webhook-secrets=")
                .append(secret).append('\n'));
        ingest.append("ingest.api-clients.demo.key-sha256=").append(sha256(credentials.apiKey())).append('\n')
                .append("ingest.api-clients.demo.shops=").append(shops).append('\n')
                .append("ingest.operators.demo.key-sha256=").append(sha256(credentials.operatorKey())).append('\n');
        // Reconciliation reads the demo shops' orders from the stand-in, unless a real shop is connected.
        if (settings.userValue("ingest.shopify.url-template").isEmpty()
                && settings.userValue("tagging.shopify.url-template").isEmpty()) {
            ingest.append("ingest.shopify.url-template=").append(standIn)
                    .append("/shopify/{shop}/admin/api/{version}/graphql.json\n")
                    .append("ingest.reconcile.bulk.result-url-prefixes=").append(standIn).append(SaasStandIn.RESULTS)
                    // The stand-in's export is ready at once: no need to wait Shopify's 5 s between status checks.
                    .append("\ningest.reconcile.bulk.poll-interval=1s\n");
            if (settings.userValue("ingest.booking.product-ids").isEmpty()) {
                ingest.append("ingest.booking.product-ids=").append(SaasStandIn.BOOKING_PRODUCT_ID).append('\n');
            }
            if (oauth) {
                ingest.append("ingest.app.client-id=").append(APP_CLIENT_ID).append('\n')
                        .append("ingest.app.client-secret=").append(credentials.appSecret()).append('\n')
                        .append("ingest.app.callback-url=http://127.0.0.1:").append(ingestPort)
                        .append("/shopify/callback\n")
                        .append("ingest.app.authorize-url-template=").append(standIn)
                        .append("/shopify/{shop}/admin/oauth/authorize\n")
                        .append("ingest.app.token-url-template=").append(standIn)
                        .append("/shopify/{shop}/admin/oauth/access_token\n")
                        .append("ingest.app.refresh-ahead=2m\n");
            }
            for (int i = 0; !oauth && i < SHOPS.length; i++) {
                ingest.append("ingest.shops.shop").append(i).append(".domain=").append(SHOPS[i]).append('\n')
                        .append("ingest.shops.shop").append(i).append(".access-token=").append(SHOPIFY_TOKEN)
                        .append('\n');
            }
        }
        configs.put("ingest-service", ingest.toString());
        configs.put("customer-store-service", common
                + "quarkus.datasource.jdbc.url=" + pg.jdbcUrl() + "\n"
                + "quarkus.datasource.reactive.url=" + pg.reactiveUrl() + "\n"
                + "quarkus.datasource.username=" + PostgresServer.USER + "\n"
                // The local operator's token reads every shop, the demo's and any connected one.
                + "store.api.clients.demo.token-sha256=" + sha256(credentials.storeToken()) + "\n"
                + "store.api.clients.demo.shops=*\n"
                + "store.api.clients.demo.console-actions=true\n");
        StringBuilder tagging = new StringBuilder(common)
                // The local run also undoes the tag when a booking order is cancelled (off by default: Flow can't).
                .append("tagging.rules[1].enabled=true\n");
        if (settings.userValue("tagging.shopify.url-template").isEmpty()) {
            tagging.append("tagging.shopify.url-template=").append(standIn)
                    .append("/shopify/{shop}/admin/api/{version}/graphql.json\n");
            for (int i = 0; !(oauth && installsDemoShops(settings)) && i < SHOPS.length; i++) {
                tagging.append("tagging.shops.shop").append(i).append(".domain=").append(SHOPS[i]).append('\n')
                        .append("tagging.shops.shop").append(i).append(".access-token=").append(SHOPIFY_TOKEN)
                        .append('\n');
            }
        }
        configs.put("tagging-service", tagging.toString());
        configs.put("klaviyo-service", common + (settings.userValue("klaviyo.base-url").isPresent() ? ""
                : "klaviyo.base-url=" + standIn + "/klaviyo\n"
                        + "klaviyo.accounts.demo.api-key=" + KLAVIYO_KEY + "\n"
                        + "klaviyo.accounts.demo.shops=" + shops + "\n"));
        return configs;
    }

    /** Whether the user pointed any service at a real Shopify or Klaviyo: then no demo credential is accepted. */
    public static boolean connected(LocalSettings settings) {
        return settings.userValue("ingest.shopify.url-template").isPresent()
                || settings.userValue("tagging.shopify.url-template").isPresent()
                || settings.userValue("klaviyo.base-url").isPresent();
    }

    /** Whether {@code up} installs the demo shops through OAuth: both Shopify services talk to the stand-in. */
    public static boolean installsDemoShops(LocalSettings settings) {
        return settings.userValue("ingest.shopify.url-template").isEmpty()
                && settings.userValue("tagging.shopify.url-template").isEmpty();
    }

    static String readyBlock(Path data) {
        LocalCredentials credentials = LocalCredentials.of(data);
        String shown = credentials.demo() ? """
                 demo credentials     webhook secret  %s
                                      API key         %s   (client demo: its shops are listed above)
                                      store token     %s   (API and console, every shop)
                                      operator key    %s   (ingest's /v1/shops: the shop registry)
                """.formatted(WEBHOOK_SECRET, API_KEY, STORE_TOKEN, OPERATOR_KEY) : """
                 credentials          this run's own, in %s (API key, store token, operator key,
                                      the demo app's secret; never printed); your shop's webhooks: your app's
                                      secret. No demo credential works now.
                """.formatted(data.resolve(LocalCredentials.FILE));
        String next = credentials.demo() ? """
                 try it               ./customer-flow demo       (in another terminal)
                 past bookings        ./customer-flow backfill --shop demo-salon.myshopify.com --since 2026-01-01
                """ : """
                 past bookings        ./customer-flow backfill --shop <your shop> --since 2026-01-01
                """;
        return """

                ================================ customer-flow is up ================================
                 ingest (public)      http://127.0.0.1:8080   POST /webhooks/shopify, /v1/instant-bookings, /v1/backfills
                 customer-store API   http://127.0.0.1:8081   GET /v1/customers?shop=..., /v1/reports/bookings
                 console              http://127.0.0.1:8081/console   (sign in with the store token)
                 tagging              http://127.0.0.1:8082   /q/health, /q/metrics
                 klaviyo              http://127.0.0.1:8083   /q/health, /q/metrics
                 Shopify+Klaviyo stand-in http://127.0.0.1:%d  GET /__admin/requests lists what was sent
                 Kafka 127.0.0.1:%d   PostgreSQL 127.0.0.1:%d (db %s, user %s)
                 logs                 %s
                %s your shop            edit %s, then up again
                %s stop                 Ctrl-C, or ./customer-flow down
                =====================================================================================
                """.formatted(STAND_IN_PORT, KAFKA_PORT, POSTGRES_PORT, PostgresServer.DATABASE, PostgresServer.USER,
                data.resolve("logs"), shown.stripTrailing() + "\n", data.resolve(LocalSettings.CONNECT_FILE),
                next.stripTrailing() + "\n");
    }

    static String sha256(String value) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
