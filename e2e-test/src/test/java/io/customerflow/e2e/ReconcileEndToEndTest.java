package io.customerflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.EventJson;
import io.customerflow.infra.FreePorts;
import io.customerflow.infra.LocalCredentials;
import io.customerflow.infra.LocalDemo;
import io.customerflow.infra.LocalStack;
import io.customerflow.infra.SaasStandIn;
import io.customerflow.infra.ShopifyAdminStandIn;

/**
 * Reconciliation and backfill on the packaged system: real Kafka and PostgreSQL, tagging-service and ingest-service
 * sharing one shop's cost bucket on a Shopify stand-in that enforces it, Klaviyo on the demo stand-in. Orders Shopify
 * never delivered reach every sink exactly once; delivered ones are not repeated; ingest killed with {@code kill -9}
 * mid-pass resumes from its checkpoint; a backfill with live tagging beside it never overdraws the bucket.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconcileEndToEndTest {

    static final String SHOP = LocalDemo.SHOPS[0];
    static final String TOKEN = "shpat_reconcile_e2e";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static ShopifyAdminStandIn shopify;
    static LocalStack stack;
    static SaasStandIn klaviyo;
    static LocalDemo.Ports ports;
    static SinkCounts sinks;
    static java.nio.file.Path data;
    static LocalCredentials credentials;
    static final String APP_SECRET = "reconcile-app-secret-0815";

    @BeforeAll
    static void start() throws Exception {
        // Page cost 10 × (5 + 2) + 1 = 71; a 400-point bucket restoring 120/s: pages wait for it, tagging's 10-point
        // writes fit in the quarter ingest leaves.
        shopify = new ShopifyAdminStandIn(FreePorts.find()).shop(SHOP, TOKEN, 400, 120).start();
        ports = LocalDemo.Ports.free();
        data = Files.createTempDirectory("customer-flow-reconcile-");
        stack = LocalStack.in(Path.of("..").toAbsolutePath().normalize(), data).withEnvironment(Map.ofEntries(
                        // A real shop connected: no demo credential works, webhooks are signed by the app's secret.
                        Map.entry("INGEST_SHOPIFY_WEBHOOK_SECRETS", APP_SECRET),
                        Map.entry("TAGGING_SHOPIFY_URL_TEMPLATE", shopify.urlTemplate()),
                        Map.entry("TAGGING_SHOPS_SHOP0_DOMAIN", SHOP),
                        Map.entry("TAGGING_SHOPS_SHOP0_ACCESS_TOKEN", TOKEN),
                        Map.entry("INGEST_SHOPIFY_URL_TEMPLATE", shopify.urlTemplate()),
                        Map.entry("INGEST_SHOPS_SHOP0_DOMAIN", SHOP),
                        Map.entry("INGEST_SHOPS_SHOP0_ACCESS_TOKEN", TOKEN),
                        Map.entry("INGEST_RECONCILE_INTERVAL", "3s"),
                        Map.entry("INGEST_RECONCILE_SETTLE", "0s"),
                        Map.entry("INGEST_RECONCILE_PAGE_SIZE", "10"),
                        Map.entry("INGEST_RECONCILE_LINE_ITEMS", "5"),
                        Map.entry("INGEST_RECONCILE_TAKEOVER_AFTER", "6s"),
                        Map.entry("INGEST_RECONCILE_BULK_POLL_INTERVAL", "500ms"),
                        Map.entry("INGEST_RECONCILE_BULK_BATCH_SIZE", "20"),
                        Map.entry("INGEST_RECONCILE_BULK_RESULT_URL_PREFIXES", shopify.baseUrl() + "/bulk-results/")));
        klaviyo = stack.start(ports);
        credentials = LocalCredentials.of(data);
        sinks = new SinkCounts(klaviyo, ports.service("customer-store-service"), stack.broker().bootstrapServers(),
                SHOP, credentials.storeToken());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (shopify != null) {
            shopify.close();
        }
    }

    @Test
    @Order(1)
    void ordersNeverDeliveredReachEverySinkOnceAndDeliveredOnesAreNotRepeated() throws Exception {
        OffsetDateTime updated = now().minusSeconds(30);
        List<Long> orders = LongStream.range(7_000_001, 7_000_031).boxed().toList();
        Set<Long> delivered = orders.stream().limit(10).collect(Collectors.toSet());
        for (long id : delivered) {
            assertEquals(200, webhook(restOrder(id, updated)), "webhook " + id);
        }
        EndToEndTest.awaitTrue(Duration.ofSeconds(60), () -> sinks.storeRows() == 10);
        shopify.addOrders(SHOP, orders.stream().map(id -> graphqlOrder(id, updated)).toList());

        Set<Long> customers = orders.stream().map(ReconcileEndToEndTest::customerOf).collect(Collectors.toSet());
        Set<Long> orderIds = Set.copyOf(orders);
        EndToEndTest.awaitTrue(Duration.ofSeconds(120), () -> sinks.storeRows() == 30
                && tagged(customers).size() == 30 && sinks.klaviyoUniqueIds(orderIds).size() == 30);
        int passes = shopify.calls(SHOP, "orders").size();
        EndToEndTest.awaitTrue(Duration.ofSeconds(60), () -> shopify.calls(SHOP, "orders").size() >= passes + 2);

        assertEquals(30, sinks.storeRows(), "one store row per customer");
        assertEquals(30, tagsAddCalls(customers), "one tagsAdd per customer: delivered orders not re-emitted");
        assertEquals(bookingIds(orders), sinks.klaviyoUniqueIds(orderIds));
        assertEquals(30, klaviyo.klaviyoUniqueIds().stream().filter(bookingIds(orders)::contains).count(),
                "each booking sent to Klaviyo once");
        assertEquals(0, sinks.allDeadLetters());
    }

    @Test
    @Order(2)
    void killedMidPassIngestResumesFromItsCheckpointWithNothingLostOrDoubled() throws Exception {
        OffsetDateTime updated = now().minusSeconds(15);
        List<Long> orders = LongStream.range(7_100_001, 7_100_201).boxed().toList();
        int before = shopify.calls(SHOP, "orders").size();
        shopify.addOrders(SHOP, orders.stream().map(id -> graphqlOrder(id, updated.plusSeconds(id % 200 / 20)))
                .toList());
        // About 0.6 s per page at this restore rate: kill after a few pages, well before the pass's twentieth.
        EndToEndTest.awaitTrue(Duration.ofSeconds(60), () -> shopify.calls(SHOP, "orders").size() >= before + 5);
        stack.service("ingest-service").kill();
        int pagesBeforeKill = shopify.calls(SHOP, "orders").size() - before;
        stack.service("ingest-service").start(Duration.ofMinutes(2));

        Set<Long> customers = orders.stream().map(ReconcileEndToEndTest::customerOf).collect(Collectors.toSet());
        Set<Long> orderIds = Set.copyOf(orders);
        EndToEndTest.awaitTrue(Duration.ofSeconds(180), () -> sinks.storeRows() == 230
                && tagged(customers).size() == 200 && sinks.klaviyoUniqueIds(orderIds).size() == 200);
        // Over one more pass and then some, nothing more arrives.
        org.awaitility.Awaitility.await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                .until(() -> sinks.storeRows() == 230 && tagsAddCalls(customers) == 200);

        assertTrue(pagesBeforeKill < 20, "the kill came mid-pass (" + pagesBeforeKill + " pages read)");
        assertEquals(230, sinks.storeRows(), "0 lost, 0 doubled in the store");
        assertEquals(200, tagsAddCalls(customers), "one tagsAdd per customer after the restart");
        assertEquals(bookingIds(orders), sinks.klaviyoUniqueIds(orderIds));
        assertEquals(0, shopify.calls(SHOP, "orders").stream().filter(ShopifyAdminStandIn.Call::throttled).count(),
                "no page of orders overdrew the shop's bucket");
    }

    @Test
    @Order(3)
    void aBackfillKilledMidReadWithLiveTaggingBesideItLosesAndDoublesNothingAndIsMarkedHistorical()
            throws Exception {
        List<Long> past = LongStream.range(7_200_001, 7_200_151).boxed().toList();
        OffsetDateTime first = now().minusDays(200);
        List<ObjectNode> nodes = new ArrayList<>();
        for (long id : past) {
            OffsetDateTime created = first.plusHours(id - 7_200_000);
            nodes.add(ShopifyAdminStandIn.order(id, customerOf(id), "c" + id + "@example.com", created,
                    created.plusMinutes(5), null));
        }
        shopify.addOrders(SHOP, nodes);
        // Live traffic while the backfill runs: signed webhooks of new bookings, tagged by tagging-service.
        List<Long> live = LongStream.range(7_300_001, 7_300_041).boxed().toList();
        AtomicBoolean done = new AtomicBoolean();
        Thread traffic = new Thread(() -> {
            for (long id : live) {
                try {
                    // Retried until accepted, as Shopify retries: ingest is killed and restarted meanwhile.
                    while (webhookOrNot(restOrder(id, now())) != 200) {
                        Thread.sleep(500);
                    }
                    Thread.sleep(150);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            done.set(true);
        });
        traffic.start();
        // The backfill reads one bulk operation's result, 40 orders a second; ingest is killed with kill -9 mid-read.
        shopify.bulk().ordersPerSecond(40);
        long linesBefore = shopify.bulk().linesServed();
        int operationsBefore = shopify.bulk().started();
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.util.concurrent.CompletableFuture<Integer> cliRun = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return io.customerflow.infra.Backfill.run("http://127.0.0.1:" + ports.service("ingest-service"),
                                credentials.apiKey(), SHOP, first.minusDays(1).toLocalDate().toString(), null,
                                new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        EndToEndTest.awaitTrue(Duration.ofSeconds(60), () -> shopify.bulk().linesServed() >= linesBefore + 240);
        stack.service("ingest-service").kill();
        long linesAtKill = shopify.bulk().linesServed() - linesBefore;
        stack.service("ingest-service").start(Duration.ofMinutes(2));
        int code = cliRun.get(3, java.util.concurrent.TimeUnit.MINUTES);
        shopify.bulk().ordersPerSecond(0);
        String cli = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, cli);
        assertTrue(linesAtKill < 700, "the kill came mid-read (" + linesAtKill + " of 760 lines)");
        assertTrue(cli.contains("] 380/380 orders  "), "the CLI's last progress line: " + cli);
        assertTrue(cli.contains(" in 380 orders, published as historical events (read by one bulk operation)"), cli);
        assertEquals(1, shopify.bulk().started() - operationsBefore, "the same operation's result, read on");
        assertTrue(shopify.bulk().rangeRequests() >= 1, "read on from the checkpoint");
        assertEquals(0, shopify.bulk().tokenLeaks());
        EndToEndTest.awaitTrue(Duration.ofSeconds(60), done::get);

        Set<Long> customers = LongStream.concat(past.stream().mapToLong(Long::longValue),
                live.stream().mapToLong(Long::longValue)).mapToObj(ReconcileEndToEndTest::customerOf)
                .collect(Collectors.toSet());
        Set<Long> orderIds = new TreeSet<>(past);
        orderIds.addAll(live);
        EndToEndTest.awaitTrue(Duration.ofSeconds(120), () -> sinks.storeRows() == 420
                && tagged(customers).size() == 190 && sinks.klaviyoUniqueIds(orderIds).size() == 190);
        // Both services read the bucket's level from Shopify's answers but can't see each other's calls: ingest never
        // overdraws (it keeps a quarter free), and a rare THROTTLED tagsAdd waits for the restore rate and succeeds.
        assertEquals(0, shopify.calls(SHOP, "orders").stream().filter(ShopifyAdminStandIn.Call::throttled).count(),
                "no page of orders was throttled");
        long tagsAdd = shopify.calls(SHOP, "tagsAdd").size();
        long throttled = shopify.calls(SHOP, "tagsAdd").stream().filter(ShopifyAdminStandIn.Call::throttled).count();
        assertTrue(throttled * 20 <= tagsAdd, throttled + " of " + tagsAdd + " tagsAdd throttled");
        assertEquals(190, tagsAddCalls(customers));
        // Klaviyo: the past bookings only in bulk jobs with backfill: true; live ones as they come.
        List<String> singles = klaviyo.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/klaviyo/api/events"))
                .map(e -> e.getRequest().getBodyAsString()).toList();
        assertTrue(singles.stream().noneMatch(b -> past.stream().anyMatch(id -> b.contains("/" + id + "/"))),
                "no past booking as a single create (which fires flows)");
        long backfilled = klaviyo.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/klaviyo/api/event-bulk-create-jobs"))
                .map(e -> e.getRequest().getBodyAsString())
                .mapToLong(b -> b.split("\"backfill\":true", -1).length - 1).sum();
        assertEquals(150, backfilled, "every past booking with backfill: true");
    }

    /**
     * The other arrival order: the pass finds the orders first, their webhooks come later (Shopify's retries run for
     * hours, or one races the pass). The webhook's events carry the pass's ids, so nothing reaches any sink again:
     * one tagsAdd per customer and one Klaviyo request per booking, counted at the stand-ins.
     */
    @Test
    @Order(4)
    void aWebhookArrivingAfterThePassFoundItsOrderSendsNothingAgain() throws Exception {
        OffsetDateTime updated = now().minusSeconds(30);
        List<Long> orders = LongStream.range(7_400_001, 7_400_011).boxed().toList();
        shopify.addOrders(SHOP, orders.stream().map(id -> graphqlOrder(id, updated)).toList());
        Set<Long> customers = orders.stream().map(ReconcileEndToEndTest::customerOf).collect(Collectors.toSet());
        Set<Long> orderIds = Set.copyOf(orders);
        EndToEndTest.awaitTrue(Duration.ofSeconds(120), () -> tagged(customers).size() == 10
                && sinks.klaviyoUniqueIds(orderIds).size() == 10);

        for (long id : orders) {
            assertEquals(200, webhook(restOrder(id, updated)), "late webhook " + id);
        }
        java.util.function.LongSupplier klaviyoRequests = () -> klaviyo.klaviyoUniqueIds().stream()
                .filter(bookingIds(orders)::contains).count();
        org.awaitility.Awaitility.await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(15))
                .until(() -> tagsAddCalls(customers) == 10 && klaviyoRequests.getAsLong() == 10);
        assertEquals(0, sinks.allDeadLetters());
    }

    /** Customers of the set Shopify tagged (tagsAdd carried out, not throttled). */
    static Set<Long> tagged(Set<Long> of) {
        return customerIds().stream().filter(of::contains).collect(Collectors.toCollection(TreeSet::new));
    }

    /** How many tagsAdd Shopify carried out for the set (repeats included). */
    static long tagsAddCalls(Set<Long> of) {
        return customerIds().stream().filter(of::contains).count();
    }

    private static List<Long> customerIds() {
        return shopify.customersTagged(SHOP).stream().map(g -> Long.parseLong(g.substring(g.lastIndexOf('/') + 1)))
                .toList();
    }

    static long customerOf(long orderId) {
        return orderId + 100_000_000L;
    }

    static Set<String> bookingIds(List<Long> orders) {
        return orders.stream().map(id -> SHOP + "/" + id + "/" + (id * 10 + 1)).collect(Collectors.toSet());
    }

    static ObjectNode graphqlOrder(long id, OffsetDateTime updated) {
        return ShopifyAdminStandIn.order(id, customerOf(id), "c" + id + "@example.com", updated.minusHours(2),
                updated, null);
    }

    /** The REST body of {@code orders/create} for the same order {@link #graphqlOrder} lists. */
    static byte[] restOrder(long id, OffsetDateTime updated) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put("id", id);
        o.put("name", "#" + id);
        o.put("email", "c" + id + "@example.com");
        o.put("created_at", updated.minusHours(2).toString());
        o.put("updated_at", updated.toString());
        o.put("currency", "USD");
        o.put("tags", "");
        ObjectNode c = o.putObject("customer");
        c.put("id", customerOf(id));
        c.put("email", "c" + id + "@example.com");
        c.put("first_name", "Customer");
        c.put("last_name", Long.toString(customerOf(id)));
        c.put("locale", "en");
        ObjectNode li = o.putArray("line_items").addObject();
        li.put("id", id * 10 + 1);
        li.put("product_id", 803);
        li.put("variant_id", 8031);
        li.put("sku", "MASSAGE-60");
        li.put("title", "Massage");
        li.put("variant_title", "60 Minutes");
        li.put("quantity", 1);
        li.put("price", "80.00");
        var props = li.putArray("properties");
        props.addObject().put("name", "Duration").put("value", "60 Minutes");
        props.addObject().put("name", "_reservation_token").put("value", "rsv_" + id);
        return EventJson.toBytes(o);
    }

    /** The webhook's status, or -1 when ingest does not answer (it is being restarted). */
    static int webhookOrNot(byte[] body) throws Exception {
        try {
            return webhook(body);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    static int webhook(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.service("ingest-service")
                + "/webhooks/shopify")).header("Content-Type", "application/json")
                .header("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
                .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", SHOP)
                .header("X-Shopify-Webhook-Id", java.util.UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
    }
}
