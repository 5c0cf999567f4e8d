package io.customerflow.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.events.Property;
import io.customerflow.events.Topics;
import io.customerflow.infra.FreePorts;
import io.customerflow.infra.KafkaBroker;
import io.customerflow.infra.ServiceProcess;
import io.customerflow.infra.ShopifyAdminStandIn;
import io.customerflow.infra.ShopifyOAuthStandIn;
import io.customerflow.registry.SecretBox;
import io.customerflow.registry.ShopRecord;

/**
 * {@code ./customer-flow bench --registry}: the shop registry at 10,000 shops. The packaged ingest, tagging and
 * klaviyo start first on an empty registry, then on 10,000 installed shops (same run): start time, RSS and heap after
 * a full GC. Then every token is made due at once and ingest's owner refreshes them against the Shopify stand-in
 * (refreshes per second); then shops are handed over one by one ({@code PUT /v1/shops/{shop}}) with a booking
 * published right after each answer: the time to its first tagsAdd at Shopify. Writes bench/REGISTRY.md.
 */
public final class RegistryBench {

    static final int SHOPS = 10_000;
    static final int HANDOVERS = 20;
    static final String CLIENT_ID = "bench-app";
    static final String SECRET = "bench-app-secret-0123456789";
    static final String DATA_KEY = "Y3VzdG9tZXItZmxvdyBsb2NhbCBydW4gZGF0YSBrZXk=";
    static final String OPERATOR_KEY = "bench-operator-key";

    record Start(String service, String registry, double seconds, long rssMb, long heapMb) {
    }

    private RegistryBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path work = WorkDirs.temporary("customer-flow-registry-bench-");
        ShopifyAdminStandIn shopify = new ShopifyAdminStandIn(FreePorts.find()).start();
        ShopifyOAuthStandIn oauth = shopify.oauth().app(CLIENT_ID, SECRET);
        SecretBox box = new SecretBox(Map.of("bench", DATA_KEY), null);
        List<Start> starts = new ArrayList<>();
        double refreshSeconds;
        List<Long> handover = new ArrayList<>();
        try (KafkaBroker kafka = new KafkaBroker(work.resolve("kafka"), FreePorts.find()).start();
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            kafka.createTopics(Topics.ORDERS, Topics.CUSTOMER_EVENTS, Topics.deadLetter("tagging"));
            Path ingestConfig = Files.writeString(work.resolve("ingest.properties"), common(kafka) + String.join("\n",
                    "ingest.shopify.webhook-secrets=bench-secret",
                    "ingest.shopify.url-template=" + shopify.urlTemplate(),
                    "ingest.app.client-id=" + CLIENT_ID, "ingest.app.client-secret=" + SECRET,
                    "ingest.app.callback-url=http://127.0.0.1/shopify/callback",
                    "ingest.app.token-url-template=" + shopify.oauthUrlTemplate("access_token"),
                    "ingest.app.authorize-url-template=" + shopify.oauthUrlTemplate("authorize"),
                    "ingest.operators.bench.key-sha256=" + sha256(OPERATOR_KEY), ""));
            Path taggingConfig = Files.writeString(work.resolve("tagging.properties"), common(kafka)
                    + "tagging.shopify.url-template=" + shopify.urlTemplate() + "\n");
            Path klaviyoConfig = Files.writeString(work.resolve("klaviyo.properties"), common(kafka));

            System.out.println("[registry] start on an empty registry");
            starts.addAll(startAll(root, work, List.of(ingestConfig, taggingConfig, klaviyoConfig), "empty", null));

            System.out.println("[registry] writing " + SHOPS + " installed shops");
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            List<ShopifyOAuthStandIn.Pair> pairs = new ArrayList<>();
            for (int i = 0; i < SHOPS; i++) {
                String shop = shop(i);
                ShopifyOAuthStandIn.Pair pair = oauth.grantDirectly(shop, CLIENT_ID);
                pairs.add(pair);
                producer.send(new ProducerRecord<>("shops.v1", shop, EventJson.toBytes(record(box, shop, pair,
                        now.plusHours(1), 1, now))));
            }
            producer.flush();

            System.out.println("[registry] start on " + SHOPS + " shops; then every token due at once");
            List<ServiceProcess> running = new ArrayList<>();
            starts.addAll(startAll(root, work, List.of(ingestConfig, taggingConfig, klaviyoConfig), SHOPS + " shops",
                    running));
            try {
                long before = oauth.grants("refresh_token");
                OffsetDateTime due = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(60); // inside refresh-ahead (5 min)
                for (int i = 0; i < SHOPS; i++) {
                    producer.send(new ProducerRecord<>("shops.v1", shop(i), EventJson.toBytes(record(box, shop(i),
                            pairs.get(i), due, 2, OffsetDateTime.now(ZoneOffset.UTC)))));
                }
                producer.flush();
                long t0 = System.nanoTime();
                while (oauth.grants("refresh_token") < before + SHOPS) {
                    if (System.nanoTime() - t0 > Duration.ofMinutes(10).toNanos()) {
                        throw new IllegalStateException("refreshes stalled at " + (oauth.grants("refresh_token") - before));
                    }
                    Thread.sleep(50);
                }
                refreshSeconds = (System.nanoTime() - t0) / 1e9;
                if (oauth.refusedGrants() != 0 || oauth.expiredUses() != 0) {
                    throw new IllegalStateException("refused " + oauth.refusedGrants() + ", expired " + oauth.expiredUses());
                }

                System.out.println("[registry] " + HANDOVERS + " hand-overs, each followed by a booking");
                int ingestPort = running.get(0).port();
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < HANDOVERS; i++) {
                    String shop = "handed-" + i + ".myshopify.com";
                    ShopifyOAuthStandIn.Pair pair = oauth.grantDirectly(shop, CLIENT_ID);
                    String body = "{\"credential\": {\"kind\": \"expiring\", \"accessToken\": \"" + pair.accessToken()
                            + "\", \"accessTokenExpiresAt\": \"" + pair.accessExpiresAt() + "\", \"refreshToken\": \""
                            + pair.refreshToken() + "\", \"refreshTokenExpiresAt\": \"" + pair.refreshExpiresAt()
                            + "\"}, \"scopes\": [\"read_orders\",\"write_orders\",\"read_customers\",\"write_customers\","
                            + "\"read_products\"], \"settings\": {\"reconcile\": false}}";
                    long start = System.nanoTime();
                    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestPort
                            + "/v1/shops/" + shop)).header("Authorization", "Bearer " + OPERATOR_KEY)
                            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (put.statusCode() != 200) {
                        throw new IllegalStateException("PUT answered " + put.statusCode() + ": " + put.body());
                    }
                    OrderEvent order = order(shop, 70_000_000L + i);
                    producer.send(new ProducerRecord<>(Topics.ORDERS, null, EventKeys.orderKey(order),
                            EventJson.toBytes(order), new CloudEvent(shop + "/created", EventType.ORDER_CREATED,
                                    "/bench", null, OffsetDateTime.now(ZoneOffset.UTC)).toHeaders())).get();
                    while (shopify.calls(shop, "tagsAdd").isEmpty()) {
                        if (System.nanoTime() - start > Duration.ofSeconds(60).toNanos()) {
                            throw new IllegalStateException(shop + " was never tagged");
                        }
                        Thread.sleep(5);
                    }
                    handover.add((System.nanoTime() - start) / 1_000_000);
                }
            } finally {
                for (ServiceProcess p : running) {
                    p.close();
                }
            }
        } finally {
            shopify.close();
        }
        String md = report(starts, refreshSeconds, handover);
        Files.writeString(root.resolve("bench/REGISTRY.md"), md);
        System.out.println(md);
    }

    /** Starts ingest, tagging and klaviyo (their configs in that order) one after the other, measuring each. */
    private static List<Start> startAll(Path root, Path work, List<Path> configs, String registry,
            List<ServiceProcess> keep) throws Exception {
        List<Start> starts = new ArrayList<>();
        for (var s : List.of(Map.entry("ingest-service", configs.get(0)), Map.entry("tagging-service", configs.get(1)),
                Map.entry("klaviyo-service", configs.get(2)))) {
            ServiceProcess p = new ServiceProcess(s.getKey(), root.resolve(s.getKey() + "/target/quarkus-app/quarkus-run.jar"),
                    FreePorts.find(), List.of(s.getValue()), work.resolve(s.getKey() + "-" + registry.replace(' ', '-')
                            + ".log"), Map.of());
            long t0 = System.nanoTime();
            p.start(Duration.ofMinutes(3));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(3_000); // the registry read and the first ticks done
            long heap = Memory.heapMbAfterGc(p.pid(), p.port());
            starts.add(new Start(s.getKey(), registry, seconds, Memory.rssMb(p.pid()), heap));
            if (keep != null) {
                keep.add(p);
            } else {
                p.close();
            }
        }
        return starts;
    }

    private static ShopRecord record(SecretBox box, String shop, ShopifyOAuthStandIn.Pair pair, OffsetDateTime expires,
            long version, OffsetDateTime now) {
        return new ShopRecord(shop, ShopRecord.Status.INSTALLED, CLIENT_ID, List.of("read_orders", "write_customers"),
                new ShopRecord.Credential(ShopRecord.Credential.Kind.EXPIRING, box.seal(shop, "accessToken",
                        pair.accessToken()), expires, box.seal(shop, "refreshToken", pair.refreshToken()),
                        now.plusDays(90)), box.seal(shop, "klaviyoKey", klaviyoKey(shop)),
                new ShopRecord.Settings(false, false, Map.of()), now, version);
    }

    /** One Klaviyo key per ten shops (chains share an account): 1,000 accounts for klaviyo to pace. */
    private static String klaviyoKey(String shop) {
        return "pk_bench_" + (Integer.parseInt(shop.replaceAll("\\D", "")) / 10);
    }

    private static OrderEvent order(String shop, long id) {
        return new OrderEvent(shop, id, "#" + id, null, new Customer(id + 1, "c" + id + "@example.com", "C", "D", null,
                "en"), List.of(new OrderLineItem(id * 10, 803L, 1L, "MASSAGE-60", "Massage", "60 Minutes", 1,
                        List.of(new Property("Duration", "60 Minutes"), new Property("_reservation_token", "rsv_" + id)))),
                List.of(), OffsetDateTime.now(ZoneOffset.UTC), null, null);
    }

    private static String common(KafkaBroker kafka) {
        return "config_ordinal=260\nkafka.bootstrap.servers=" + kafka.bootstrapServers() + "\n"
                + "privacy.ledger-key=bench-ledger-key\nshop-registry.data-keys.bench=" + DATA_KEY + "\n";
    }

    private static String shop(int i) {
        return "registry-" + i + ".myshopify.com";
    }

    private static String report(List<Start> starts, double refreshSeconds, List<Long> handover) {
        List<Long> sorted = handover.stream().sorted().toList();
        StringBuilder md = new StringBuilder("# Shop registry benchmark\n\n")
                .append("Written by `./customer-flow bench --registry` on ").append(OffsetDateTime.now(ZoneOffset.UTC)
                        .withNano(0)).append(" (").append(Runtime.getRuntime().availableProcessors())
                .append(" cores): do not edit, run it again.\n\n")
                .append("The packaged ingest, tagging and klaviyo, started on an empty registry and then on ").append(SHOPS)
                .append(" installed shops (each its own expiring token and a Klaviyo key shared by ten shops, sealed with ")
                .append("AES-256-GCM), in the same run. Start: ")
                .append("from launch to ready (the registry read whole before it). Heap: in use after a full GC, 3 s ")
                .append("after ready.\n\n| service | registry | start | RSS | heap after GC |\n|---|---|---:|---:|---:|\n");
        for (Start s : starts) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f s | %d MB | %d MB |%n", s.service(), s.registry(),
                    s.seconds(), s.rssMb(), s.heapMb()));
        }
        md.append(String.format(Locale.ROOT, "%nRefresh: every one of the %d tokens made due at once; ingest's only "
                + "replica (owner of every partition) refreshed them against the stand-in's token endpoint (no "
                + "latency) and wrote each new pair to the registry, acknowledged: **%.1f s, %.0f refreshes/s**, 0 "
                + "refused, 0 Admin calls with an expired token.%n%n", SHOPS, refreshSeconds, SHOPS / refreshSeconds));
        md.append(String.format(Locale.ROOT, "Hand-over to first tag: %d shops handed over one by one "
                + "(`PUT /v1/shops/{shop}` with an expiring pair), a booking order published right after each answer; "
                + "time from the PUT to the booking's tagsAdd at Shopify: p50 %d ms, max %d ms.%n", handover.size(),
                sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1)));
        return md.toString();
    }

    private static String sha256(String value) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
