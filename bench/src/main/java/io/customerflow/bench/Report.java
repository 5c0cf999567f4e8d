package io.customerflow.bench;

import static io.customerflow.bench.Bench.f;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** BENCHMARKS.md from one run, with bench/latency.svg and bench/drain.svg ({@link Charts}). */
final class Report {

    record ThroughputRow(int concurrency, double ingest, double ingestAlone, double bare, double kafka, double p50,
            double p99, double max, int errors) {
    }

    /** CPU seconds each process used for the webhooks of one fixed-rate step. */
    record CpuRow(int rate, int webhooks, java.util.Map<String, Double> seconds) {
    }

    record LatencyRow(int rate, double achieved, int errors, double ingestP50, double ingestP99, Stats store,
            Stats shopify, Stats klaviyo, int missing) {
    }

    record StoreRow(int events, int applied, double consumerPerSecond, double batchedInsertPerSecond) {
    }

    /** How many of the burst's effects a sink held when the wait ended, and when its last one arrived. */
    record SinkCatchUp(String sink, int effects, double lastAfterSeconds, int[] cumulativePerSecond) {

        @Override
        public String toString() {
            return sink + " " + effects + " by " + f(lastAfterSeconds) + " s";
        }
    }

    record BurstRow(int requests, int ok, int errors, double sendSeconds, double p99, double max,
            List<SinkCatchUp> sinks) {
    }

    record MemoryRow(String service, String when, long rssMb) {
    }

    /** Requests the SaaS stand-in refused as over the published limits, over the whole run. */
    record OverLimit(long shopifyThrottled, long klaviyoTooMany) {
    }

    String command;
    final List<ThroughputRow> throughput = new ArrayList<>();
    final List<LatencyRow> endToEnd = new ArrayList<>();
    final List<MemoryRow> memory = new ArrayList<>();
    final List<CpuRow> cpu = new ArrayList<>();
    StoreRow store;
    BurstRow burst;
    OverLimit overLimit;

    void write(Path root) throws Exception {
        StringBuilder md = new StringBuilder("# Benchmarks\n\n");
        md.append("Produced by `").append(command).append("` on ").append(java.time.LocalDate.now()).append(": ")
                .append(machine()).append(". The whole system runs on this one machine: Kafka, PostgreSQL, the four ")
                .append("services, the SaaS stand-in and the load client share its cores, so these are the limits of ")
                .append("one small box, not of a deployment. Warm-up excluded; throughput steps are medians of ")
                .append("several runs.\n\n")
                .append("The SaaS stand-in enforces the published limits and keeps no request bodies (`LeanSaasStandIn`): ")
                .append("each demo shop has a Shopify Plus cost bucket (restores ").append(f(Bench.SHOPIFY_RESTORE))
                .append(" points/s, holds ").append(f(Bench.SHOPIFY_BUCKET)).append("; a `tagsAdd` costs 10, so the three ")
                .append("shops allow about ").append(Math.round(3 * Bench.SHOPIFY_RESTORE / 10)).append(" tags a second), ")
                .append("and the demo's one Klaviyo account has Klaviyo's windows (single creates 350/s and 3,500/min, ")
                .append("bulk jobs of up to 1,000 events 10/s and 150/min).");
        if (overLimit != null) {
            md.append(" Over the whole run it refused ").append(overLimit.shopifyThrottled())
                    .append(" Shopify calls as THROTTLED and ").append(overLimit.klaviyoTooMany())
                    .append(" Klaviyo requests with 429.");
        }
        md.append("\n\n");
        md.append("## 1. Ingest throughput (signed `orders/create`, 2 line items, ~2.7 KB; every request a new order and ")
                .append("customer, the demo's three shops in turn) vs the same run's baselines\n\n")
                .append("*whole system*: the consumers, broker, PostgreSQL and stand-in work on the same cores meanwhile. ")
                .append("*alone*: the three consumers stopped (SIGSTOP) while ingest takes the load, then resumed to work the ")
                .append("backlog off. Baselines: `GET /q/health/live` on the same ingest JVM (the HTTP stack alone) and a raw ")
                .append("Kafka producer sending records of the same size with `acks=all` from as many threads (one record ")
                .append("per send; ingest publishes two per webhook, an order and a booking).\n\n")
                .append("| concurrency | ingest req/s, whole system | ingest req/s, alone | bare HTTP req/s | raw producer rec/s | alone ÷ HTTP | alone ÷ producer | p50 ms | p99 ms | max ms | errors |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ThroughputRow r : throughput) {
            boolean alone = !Double.isNaN(r.ingestAlone());
            md.append("| ").append(r.concurrency()).append(" | ").append(f(r.ingest())).append(" | ")
                    .append(alone ? f(r.ingestAlone()) : "–").append(" | ").append(f(r.bare()))
                    .append(" | ").append(f(r.kafka())).append(" | ")
                    .append(alone ? f2(r.ingestAlone() / r.bare()) : "–").append(" | ")
                    .append(alone ? f2(r.ingestAlone() / r.kafka()) : "–").append(" | ").append(f(r.p50())).append(" | ")
                    .append(f(r.p99())).append(" | ").append(f(r.max())).append(" | ").append(r.errors()).append(" |\n");
        }
        md.append("\nThe load client is not the bottleneck where the bare HTTP baseline, driven by the same client, ")
                .append("runs several times faster than ingest.\n\n");
        md.append("## 2. End-to-end latency at fixed rates, 60 s each (ms from sending the webhook to the effect in each sink)\n\n")
                .append("Where a sink's latency grows with the run it is falling behind that rate: its p99 is then the ")
                .append("backlog it worked off after the senders stopped. Beyond what the published limits allow the ")
                .append("sink must fall behind whatever the service does: Shopify's past the shops' budget (above), ")
                .append("Klaviyo's single creates past 3,500/min, where the next bulk job (one every 0.42 s) takes ")
                .append("what queued.\n\n")
                .append("| rate/s | achieved/s | errors | ingest p50 | ingest p99 | store p50 / p99 / max | Shopify p50 / p99 / max | Klaviyo p50 / p99 / max | not yet in every sink after 10 min |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (LatencyRow r : endToEnd) {
            md.append("| ").append(r.rate()).append(" | ").append(f(r.achieved())).append(" | ").append(r.errors())
                    .append(" | ").append(f(r.ingestP50())).append(" | ").append(f(r.ingestP99())).append(" | ")
                    .append(triple(r.store())).append(" | ").append(triple(r.shopify())).append(" | ")
                    .append(triple(r.klaviyo())).append(" | ").append(r.missing()).append(" |\n");
        }
        md.append("\n![latency vs rate](bench/latency.svg)\n\n");
        if (!cpu.isEmpty()) {
            List<String> names = new ArrayList<>(cpu.get(0).seconds().keySet());
            md.append("### CPU seconds per 1,000 webhooks, per process (each rate of 2, from the first send until every ")
                    .append("sink had them all)\n\n| rate/s | webhooks | ").append(String.join(" | ", names))
                    .append(" | all |\n|---|---|").append("---|".repeat(names.size() + 1)).append("\n");
            for (CpuRow r : cpu) {
                double all = r.seconds().values().stream().mapToDouble(Double::doubleValue).sum();
                md.append("| ").append(r.rate()).append(" | ").append(r.webhooks());
                for (String name : names) {
                    md.append(" | ").append(f2(r.seconds().get(name) * 1000 / Math.max(1, r.webhooks())));
                }
                md.append(" | ").append(f2(all * 1000 / Math.max(1, r.webhooks()))).append(" |\n");
            }
            md.append("\n");
        }
        if (store != null) {
            md.append("## 3. Store consumer: draining a backlog alone\n\n"
                    + "Every consumer stopped while the backlog of distinct customers' bookings is produced, then only the store resumed.\n\n")
                    .append("| events | applied | store drain events/s (exactly once, a poll per transaction) | raw batched insert rows/s | ratio |\n")
                    .append("|---|---|---|---|---|\n| ").append(store.events()).append(" | ").append(store.applied())
                    .append(" | ").append(f(store.consumerPerSecond())).append(" | ").append(f(store.batchedInsertPerSecond()))
                    .append(" | ").append(f2(store.consumerPerSecond() / store.batchedInsertPerSecond())).append(" |\n\n");
        }
        if (burst != null) {
            md.append("## 4. Flash-sale burst (64 concurrent senders)\n\n")
                    .append("| webhooks | 200s | errors | sent in s | p99 ms | max ms | effects per sink, and when its last arrived (s from the first send) |\n")
                    .append("|---|---|---|---|---|---|---|\n| ").append(burst.requests()).append(" | ").append(burst.ok())
                    .append(" | ").append(burst.errors()).append(" | ").append(f(burst.sendSeconds())).append(" | ")
                    .append(f(burst.p99())).append(" | ").append(f(burst.max())).append(" | ")
                    .append(String.join("; ", burst.sinks().stream().map(Object::toString).toList())).append(" |\n\n")
                    .append("Each sink's effects over time since the first send (the drain curves; the dashed line is ")
                    .append("the last webhook accepted):\n\n![drain curves](bench/drain.svg)\n\n");
        }
        md.append("## 5. Memory (RSS, MB)\n\n| service | when | RSS MB |\n|---|---|---|\n");
        for (MemoryRow m : memory) {
            md.append("| ").append(m.service()).append(" | ").append(m.when()).append(" | ").append(m.rssMb()).append(" |\n");
        }
        Files.writeString(root.resolve("BENCHMARKS.md"), md);
        Files.createDirectories(root.resolve("bench"));
        Files.writeString(root.resolve("bench/latency.svg"), Charts.latency(endToEnd));
        if (burst != null) {
            Files.writeString(root.resolve("bench/drain.svg"), Charts.drain(burst));
        }
        System.out.println("[bench] wrote BENCHMARKS.md, bench/latency.svg and bench/drain.svg");
    }

    private static String f2(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }

    private static String triple(Stats s) {
        return f(s.percentileMs(0.5)) + " / " + f(s.percentileMs(0.99)) + " / " + f(s.maxMs());
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (Exception ignored) {
            // not Linux
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + (com.sun.management.OperatingSystemMXBean.class.cast(
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() >> 30)
                + " GiB, Java " + System.getProperty("java.version");
    }
}
