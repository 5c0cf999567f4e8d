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
 * for a Shopify Plus-sized and a Standard-sized bucket. Reports orders per second and the share of the bucket's
 * restore rate the pass used once its initial burst was spent, and THROTTLED answers; writes bench/RECONCILE.md.
 */
public final class ReconcileBench {

    /** One shop of the run: its bucket as Shopify publishes it per plan, and how many orders it holds. */
    record Plan(String name, String shop, double maximum, double restoreRate, int orders) {
    }

    record Result(Plan plan, double seconds, long scanned, long bookings, double ordersPerSecond, double budgetShare,
            long pages, long throttled, double steadySeconds) {
    }

    private ReconcileBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path work = Files.createTempDirectory("customer-flow-reconcile-bench-");
        List<Plan> plans = List.of(new Plan("Shopify Plus (1,000 points/s, bucket 20,000)", "plus-shop.myshopify.com",
                20_000, 1_000, 6_000), new Plan("Standard (100 points/s, bucket 2,000)", "standard-shop.myshopify.com",
                2_000, 100, 400));
        ShopifyAdminStandIn shopify = new ShopifyAdminStandIn(FreePorts.find());
        OffsetDateTime first = OffsetDateTime.now(ZoneOffset.UTC).withNano(0).minusDays(300);
        long nextId = 80_000_000L;
        for (Plan plan : plans) {
            shopify.shop(plan.shop(), "shpat_bench", plan.maximum(), plan.restoreRate());
            List<ObjectNode> orders = new ArrayList<>();
            for (int i = 0; i < plan.orders(); i++) {
                long id = nextId++;
                OffsetDateTime created = first.plusSeconds(i * 3600L);
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
            config.append("ingest.api-clients.bench.shops=").append(shops).append('\n');
            Path file = Files.writeString(work.resolve("ingest.properties"), config);
            try (ServiceProcess ingest = new ServiceProcess("ingest-service",
                    root.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), ingestPort, List.of(file),
                    work.resolve("ingest.log"), Map.of()).start(Duration.ofMinutes(2))) {
                for (Plan plan : plans) {
                    results.add(run(plan, shopify, "http://127.0.0.1:" + ingestPort));
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
        System.out.println("backfill of " + plan.orders() + " orders, " + plan.name());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = Backfill.run(ingest, "bench-key", plan.shop(), "2020-01-01", null,
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        double seconds = (System.nanoTime() - start) / 1e9;
        String out = printed.toString(StandardCharsets.UTF_8);
        if (code != 0) {
            throw new IllegalStateException("backfill failed: " + out);
        }
        List<ShopifyAdminStandIn.Call> calls = shopify.calls().stream().filter(c -> c.shop().equals(plan.shop()))
                .toList();
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
        long scanned = Long.parseLong(out.replaceAll("(?s).*done: \\d+ bookings in (\\d+) orders.*", "$1"));
        long bookings = Long.parseLong(out.replaceAll("(?s).*done: (\\d+) bookings.*", "$1"));
        return new Result(plan, seconds, scanned, bookings, scanned / seconds, share, pages.size(),
                calls.stream().filter(ShopifyAdminStandIn.Call::throttled).count(), steadySeconds);
    }

    private static String report(List<Result> results) {
        StringBuilder md = new StringBuilder("# Reconciliation and backfill benchmark\n\n")
                .append("Written by `./customer-flow bench --reconcile` on ").append(OffsetDateTime.now(ZoneOffset.UTC)
                        .withNano(0)).append(" (").append(Runtime.getRuntime().availableProcessors())
                .append(" cores): do not edit, run it again.\n\n")
                .append("The packaged ingest-service backfills every order of a shop (each order its own customer, one ")
                .append("booking line item) from a Shopify stand-in that enforces the shop's cost bucket; pages of 25 ")
                .append("orders with 20 line items (requested cost 551), a quarter of the bucket left free for tagging ")
                .append("(`ingest.reconcile.keep-for-live`). Budget used: from the first page that found the bucket below ")
                .append("half full to the last page, the points spent minus what was drawn down from the bucket's ")
                .append("level, over what the restore rate refilled in that time.\n\n")
                .append("| bucket | orders | took | orders/s | bookings | pages | budget used (steady, over) | THROTTLED |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f s | %.1f | %d | %d | %.1f %% (%.0f s) | %d |%n",
                    r.plan().name(), r.scanned(), r.seconds(), r.ordersPerSecond(), r.bookings(), r.pages(),
                    r.budgetShare() * 100, r.steadySeconds(), r.throttled()));
        }
        return md.toString();
    }

    private static String sha256(String value) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
