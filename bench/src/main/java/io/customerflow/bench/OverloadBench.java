package io.customerflow.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

import io.customerflow.infra.ServiceProcess;

/**
 * {@code ./customer-flow bench --only overload}: the whole system offered fixed rates around its capacity (measured
 * first, closed loop at 64 connections, same run), with ingest as configured (past {@code ingest.delivery.max-in-flight}
 * records awaiting Kafka, 503 at once) and then, same run, with that bound lifted (the behaviour before it: every
 * request queues towards its publish timeout). Per rate: accepted and refused per second, and the latency of the
 * accepted and of every answer. Writes bench/OVERLOAD.md.
 */
final class OverloadBench {

    static final double[] FACTORS = { 0.5, 1.0, 1.5, 2.0, 3.0 };
    static final Duration STEP = Duration.ofSeconds(8);

    record Row(String ingest, double factor, int offered, double accepted, double refused, double acceptedP50,
            double acceptedP99, double allP99, double allMax) {
    }

    /** What the phase needs of the running bench. */
    interface Context {
        int ingestPort();

        /** A request of a fresh webhook numbered n of this step. */
        LongFunction<HttpRequest> webhooks();

        /** Waits until every consumer caught up. */
        void drain() throws Exception;
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "overload-client");
                t.setDaemon(true);
                return t;
            })).build();

    /** Runs the curve with the stack's ingest, then with a replacement whose bound is lifted; restores the stack's. */
    void run(Path root, Path data, ServiceProcess ingest, Context context) throws Exception {
        context.drain();
        double capacity = new LoadClient().closedLoop(64, STEP, context.webhooks(), 200).perSecond();
        System.out.printf(Locale.ROOT, "[overload] capacity closed loop at 64 connections: %.0f webhooks/s%n", capacity);
        context.drain();
        List<Row> rows = new ArrayList<>(curve("bounded (max-in-flight 1000)", capacity, context));
        ingest.close();
        Path config = data.resolve("config");
        ServiceProcess unbounded = new ServiceProcess("ingest-service",
                root.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), context.ingestPort(),
                List.of(config.resolve("ingest-service.properties"), config.resolve("connect.properties")),
                data.resolve("logs/ingest-service-unbounded.log"),
                Map.of("INGEST_DELIVERY_MAX_IN_FLIGHT", "100000000"));
        try {
            unbounded.start(Duration.ofMinutes(2));
            rows.addAll(curve("unbounded (before)", capacity, context));
        } finally {
            unbounded.close();
            ingest.start(Duration.ofMinutes(2));
        }
        String md = report(capacity, rows);
        Files.writeString(root.resolve("bench/OVERLOAD.md"), md);
        System.out.println(md);
    }

    private List<Row> curve(String ingest, double capacity, Context context) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (double factor : FACTORS) {
            int rate = (int) Math.round(capacity * factor);
            rows.add(step(ingest, factor, rate, context.webhooks()));
            Row r = rows.get(rows.size() - 1);
            System.out.printf(Locale.ROOT, "[overload] %s %.1fx = %d/s: accepted %.0f/s, 503 %.0f/s, p99 %.0f ms%n",
                    ingest, factor, rate, r.accepted(), r.refused(), r.allP99());
            context.drain();
        }
        return rows;
    }

    /** Open loop: requests started at the rate whatever the answers, every answer's status and latency kept. */
    private Row step(String ingest, double factor, int rate, LongFunction<HttpRequest> webhooks) throws Exception {
        Stats accepted = new Stats();
        Stats all = new Stats();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long total = rate * STEP.toSeconds();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        List<CompletableFuture<?>> answers = new ArrayList<>();
        for (long i = 0; i < total; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long sent = System.nanoTime();
            answers.add(http.sendAsync(webhooks.apply(i), HttpResponse.BodyHandlers.discarding()).handle((r, f) -> {
                long micros = (System.nanoTime() - sent) / 1000;
                all.add(micros);
                if (f == null && r.statusCode() == 200) {
                    accepted.add(micros);
                    ok.incrementAndGet();
                } else {
                    refused.incrementAndGet();
                }
                return null;
            }));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        double seconds = STEP.toSeconds();
        return new Row(ingest, factor, rate, ok.get() / seconds, refused.get() / seconds, accepted.percentileMs(0.5),
                accepted.percentileMs(0.99), all.percentileMs(0.99), all.maxMs());
    }

    private static String report(double capacity, List<Row> rows) {
        StringBuilder md = new StringBuilder("# Overload benchmark\n\n")
                .append("Written by `./customer-flow bench --only overload` on ")
                .append(OffsetDateTime.now(ZoneOffset.UTC).withNano(0)).append(" (2-core machine, the whole system: ")
                .append("ingest, the three consumers, Kafka, PostgreSQL, the lean SaaS stand-in and the load client). ")
                .append(String.format(Locale.ROOT, "Capacity, measured first in the same run: **%.0f webhooks/s** ", capacity))
                .append("(closed loop, 64 connections). Then each rate is offered open loop for ").append(STEP.toSeconds())
                .append(" s (distinct orders and customers, every request signed), the consumers catching up between ")
                .append("steps: first with ingest as configured, then with a replacement ingest whose ")
                .append("`ingest.delivery.max-in-flight` is lifted, as before the bound existed. Accepted: answered 200 ")
                .append("(stored in Kafka); refused: 503 with Retry-After (or no answer).\n\n")
                .append("| ingest | offered | rate/s | accepted/s | refused/s | goodput of capacity | accepted p50 ms | ")
                .append("accepted p99 ms | every answer p99 ms | every answer max ms |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f× | %d | %.0f | %.0f | %.0f %% | %.1f | %.1f | %.1f | %.1f |%n",
                    r.ingest(), r.factor(), r.offered(), r.accepted(), r.refused(), 100 * r.accepted() / capacity,
                    r.acceptedP50(), r.acceptedP99(), r.allP99(), r.allMax()));
        }
        return md.toString();
    }
}
