package io.customerflow.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.Topics;
import io.customerflow.infra.Backfill;
import io.customerflow.infra.FreePorts;
import io.customerflow.infra.KafkaBroker;
import io.customerflow.infra.ServiceProcess;
import io.customerflow.infra.ShopifyAdminStandIn;

/**
 * {@code ./customer-flow bench --reconcile}: backfills of distinct orders (every order its own customer, one booking
 * line item) run by the packaged ingest-service against the Shopify stand-in that enforces each shop's cost bucket,
 * for a Shopify Plus-sized and a Standard-sized bucket, read by pages (the baseline) and by one bulk operation (10,000
 * and 100,000 orders), with a live caller on the same bucket. Reports orders per second, the share of the bucket the
 * backfill used, and THROTTLED answers; writes bench/RECONCILE.md.
 */
public final class ReconcileBench {

    /** One shop of the run: its bucket as Shopify publishes it per plan, how many orders it holds, how it is read. */
    record Plan(String name, String shop, double maximum, double restoreRate, int orders, boolean bulk) {
    }

    record Result(Plan plan, double seconds, long scanned, long bookings, double ordersPerSecond, double budgetShare,
            long calls, long throttled, double steadySeconds, long liveWrites, long liveThrottled) {
    }

    private static final String PLUS = "Shopify Plus (1,000 points/s, bucket 20,000)";
    private static final String STANDARD = "Standard (100 points/s, bucket 2,000)";

    private ReconcileBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path work = WorkDirs.temporary("customer-flow-reconcile-bench-");
        // Paging (the same run's baseline, and reconciliation's way) at sizes a run can wait for; bulk at 10,000 and
        // 100,000 orders. Every order its own customer; each shop's orders apart from the others'.
        List<Plan> plans = List.of(new Plan(PLUS, "plus-pages.myshopify.com", 20_000, 1_000, 6_000, false),
                new Plan(STANDARD, "standard-pages.myshopify.com", 2_000, 100, 400, false),
                new Plan(STANDARD, "standard-10k.myshopify.com", 2_000, 100, 10_000, true),
                new Plan(PLUS, "plus-10k.myshopify.com", 20_000, 1_000, 10_000, true),
                new Plan(STANDARD, "standard-100k.myshopify.com", 2_000, 100, 100_000, true),
                new Plan(PLUS, "plus-100k.myshopify.com", 20_000, 1_000, 100_000, true));
        ShopifyAdminStandIn shopify = new ShopifyAdminStandIn(FreePorts.find());
        OffsetDateTime first = OffsetDateTime.now(ZoneOffset.UTC).withNano(0).minusDays(300);
        long nextId = 80_000_000L;
        for (Plan plan : plans) {
            shopify.shop(plan.shop(), "shpat_bench", plan.maximum(), plan.restoreRate());
            List<ObjectNode> orders = new ArrayList<>();
            for (int i = 0; i < plan.orders(); i++) {
                long id = nextId++;
                OffsetDateTime created = first.plusSeconds(i * (290 * 86_400L / plan.orders()));
                orders.add(ShopifyAdminStandIn.order(id, id + 500_000_000L, "c" + id + "@example.com", created,
                        created.plusMinutes(3), null));
            }
            shopify.addOrders(plan.shop(), orders);
        }
        shopify.start();
        int ingestPort = FreePorts.find();
        List<Result> results = new ArrayList<>();
        try (KafkaBroker kafka = new KafkaBroker(work.resolve("kafka"), FreePorts.find()).start()) {
            kafka.createTopics(Topics.ORDERS, Topics.CUSTOMER_EVENTS);
            StringBuilder config = new StringBuilder("config_ordinal=260\n")
                    .append("kafka.bootstrap.servers=").append(kafka.bootstrapServers()).append('\n')
                    .append("ingest.shopify.webhook-secrets=bench-secret\n")
                    .append("privacy.ledger-key=bench-ledger-key\n")
                    .append("shop-registry.data-keys.bench=Y3VzdG9tZXItZmxvdyBsb2NhbCBydW4gZGF0YSBrZXk=\n")
                    .append("ingest.api-clients.bench.key-sha256=").append(sha256("bench-key")).append('\n')
                    .append("ingest.shopify.url-template=").append(shopify.urlTemplate()).append('\n');
            StringBuilder shops = new StringBuilder();
            for (int i = 0; i < plans.size(); i++) {
                config.append("ingest.shops.s").append(i).append(".domain=").append(plans.get(i).shop()).append('\n')
                        .append("ingest.shops.s").append(i).append(".access-token=shpat_bench\n")
                        .append("ingest.shops.s").append(i).append(".reconcile=false\n");
                shops.append(i == 0 ? "" : ",").append(plans.get(i).shop());
            }
            config.append("ingest.api-clients.bench.shops=").append(shops).append('\n')
                    .append("ingest.reconcile.bulk.result-url-prefixes=").append(shopify.baseUrl())
                    .append("/bulk-results/\n")
                    // Shopify takes seconds to minutes to prepare an export; the stand-in a second.
                    .append("ingest.reconcile.bulk.poll-interval=1s\n");
            Path file = Files.writeString(work.resolve("ingest.properties"), config);
            shopify.bulk().preparation(Duration.ofSeconds(1));
            for (boolean bulk : new boolean[] { false, true }) {
                try (ServiceProcess ingest = new ServiceProcess("ingest-service",
                        root.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), ingestPort, List.of(file),
                        work.resolve(bulk ? "ingest-bulk.log" : "ingest-pages.log"),
                        Map.of("INGEST_RECONCILE_BULK_ENABLED", Boolean.toString(bulk))).start(Duration.ofMinutes(2))) {
                    for (Plan plan : plans) {
                        if (plan.bulk() == bulk) {
                            results.add(run(plan, shopify, "http://127.0.0.1:" + ingestPort));
                        }
                    }
                }
            }
        } finally {
            shopify.close();
        }
        String md = report(results);
        Files.writeString(root.resolve("bench/RECONCILE.md"), md);
        System.out.println(md);
    }

    private static Result run(Plan plan, ShopifyAdminStandIn shopify, String ingest) throws Exception {
        System.out.println("backfill of " + plan.orders() + " orders, " + plan.name() + (plan.bulk() ? ", bulk"
                : ", pages"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        // Live work beside it, as tagging-service's: a 10-point write every 500 ms (a fifth of a Standard shop's restore
        // rate), on the shop's bucket too.
        LiveWrites live = new LiveWrites(shopify, plan.shop());
        long start = System.nanoTime();
        int code;
        try (live) {
            code = Backfill.run(ingest, "bench-key", plan.shop(), "2020-01-01", null,
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String out = printed.toString(StandardCharsets.UTF_8);
        if (code != 0) {
            throw new IllegalStateException("backfill failed: " + out);
        }
        List<ShopifyAdminStandIn.Call> calls = shopify.calls().stream().filter(c -> c.shop().equals(plan.shop())
                && !c.operation().equals("tagsAdd")).toList();
        long scanned = Long.parseLong(out.replaceAll("(?s).*done: \\d+ bookings in (\\d+) orders.*", "$1"));
        long bookings = Long.parseLong(out.replaceAll("(?s).*done: (\\d+) bookings.*", "$1"));
        long throttled = calls.stream().filter(ShopifyAdminStandIn.Call::throttled).count();
        if (plan.bulk()) {
            // Everything the backfill asked of the bucket (start, status, count) over what it restored meanwhile.
            double spent = calls.stream().filter(c -> !c.throttled()).mapToDouble(ShopifyAdminStandIn.Call::requestedCost)
                    .sum();
            return new Result(plan, seconds, scanned, bookings, scanned / seconds,
                    spent / (seconds * plan.restoreRate()), calls.size(), throttled, seconds, live.sent(),
                    live.throttled());
        }
        List<ShopifyAdminStandIn.Call> pages = calls.stream().filter(c -> c.operation().equals("orders")).toList();
        // Steady state: from the first page that found the bucket below half full (the initial burst spent) to the
        // last page. Of what the bucket restored in between (seconds × rate), the pass used what it spent minus what
        // it drew down from the bucket's level: the rest was restored into a full bucket and lost, or left unused.
        ShopifyAdminStandIn.Call steadyStart = pages.stream().filter(c -> c.availableBefore() < plan.maximum() / 2)
                .findFirst().orElse(pages.get(0));
        ShopifyAdminStandIn.Call last = pages.get(pages.size() - 1);
        double steadySeconds = (last.atNanos() - steadyStart.atNanos()) / 1e9;
        double spent = calls.stream().filter(c -> !c.throttled() && c.atNanos() >= steadyStart.atNanos()
                && c.atNanos() < last.atNanos()).mapToDouble(ShopifyAdminStandIn.Call::requestedCost).sum();
        double drawnDown = steadyStart.availableBefore() - last.availableBefore();
        double share = steadySeconds <= 0 ? Double.NaN
                : (spent - drawnDown) / (steadySeconds * plan.restoreRate());
        return new Result(plan, seconds, scanned, bookings, scanned / seconds, share, pages.size(), throttled,
                steadySeconds, live.sent(), live.throttled());
    }

    /** A live caller of the shop's Admin API beside the backfill: tagsAdd every 500 ms; counts THROTTLED answers. */
    private static final class LiveWrites implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(
                true);
        private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong throttled = new java.util.concurrent.atomic.AtomicLong();
        private final Thread thread;

        LiveWrites(ShopifyAdminStandIn shopify, String shop) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI uri = java.net.URI.create(shopify.urlTemplate().replace("{shop}", shop)
                    .replace("{version}", "2026-10"));
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        String body = http.send(java.net.http.HttpRequest.newBuilder(uri)
                                .header("X-Shopify-Access-Token", "shpat_bench").POST(java.net.http.HttpRequest
                                        .BodyPublishers.ofString("{\"query\": \"mutation tagsAdd($id: ID!, $tags: "
                                                + "[String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } } }\", "
                                                + "\"variables\": {\"id\": \"gid://shopify/Customer/1\"}}"))
                                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                        sent.incrementAndGet();
                        if (body.contains("THROTTLED")) {
                            throttled.incrementAndGet();
                        }
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // the stand-in is closing
                    }
                }
            }, "live-writes");
            thread.setDaemon(true);
            thread.start();
        }

        long sent() {
            return sent.get();
        }

        long throttled() {
            return throttled.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(2000);
        }
    }

    private static String report(List<Result> results) {
        StringBuilder md = new StringBuilder("# Reconciliation and backfill benchmark\n\n")
                .append("Written by `./customer-flow bench --reconcile` on ").append(OffsetDateTime.now(ZoneOffset.UTC)
                        .withNano(0)).append(" (").append(Runtime.getRuntime().availableProcessors())
                .append(" cores): do not edit, run it again.\n\n")
                .append("The packaged ingest-service backfills every order of a shop (each order its own customer, one ")
                .append("booking line item) from a Shopify stand-in that enforces the shop's cost bucket, while a live ")
                .append("caller spends 10 points every 500 ms on the same bucket (as tagging-service does). **Bulk**: one ")
                .append("`bulkOperationRunQuery` (10 points), its status asked every second (1 point), the JSONL result ")
                .append("streamed and published in batches of 500; the stand-in prepares the export in 1 s (Shopify takes ")
                .append("seconds to minutes, which adds to *took*). **Pages** (the same run's baseline, and how ")
                .append("reconciliation reads): pages of 25 orders with 20 line items (requested cost 551), a quarter of ")
                .append("the bucket left free (`ingest.reconcile.keep-for-live`).\n\n")
                .append("Budget used: for bulk, every point the backfill spent over what the bucket restored while it ran; ")
                .append("for pages, from the first page that found the bucket below half full to the last, the points ")
                .append("spent minus what was drawn down from the bucket's level, over what the restore rate refilled in ")
                .append("that time.\n\n")
                .append("| read by | bucket | orders | took | orders/s | bookings | Admin API calls | budget used ")
                .append("| THROTTLED | live writes (THROTTLED) |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.1f s | %,.1f | %,d | %d | %s | %d | %d (%d) |%n",
                    r.plan().bulk() ? "bulk" : "pages", r.plan().name(), r.scanned(), r.seconds(),
                    r.ordersPerSecond(), r.bookings(), r.calls(), r.plan().bulk()
                            ? String.format(Locale.ROOT, "%.3f %%", r.budgetShare() * 100)
                            : String.format(Locale.ROOT, "%.1f %% (steady %.0f s)", r.budgetShare() * 100,
                                    r.steadySeconds()),
                    r.throttled(), r.liveWrites(), r.liveThrottled()));
        }
        return md.toString();
    }

    private static String sha256(String value) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
