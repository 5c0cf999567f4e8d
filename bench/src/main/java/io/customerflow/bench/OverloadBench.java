package io.customerflow.bench;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

import io.customerflow.infra.ServiceProcess;

/**
 * {@code ./customer-flow bench --only overload}: the whole system offered fixed rates below and past its capacity,
 * with ingest as configured (past {@code ingest.delivery.max-in-flight}
 * records awaiting Kafka, 503 at once) and then, same run, with that bound lifted (the behaviour before it: every
 * request queues towards its publish timeout). Per rate: accepted and refused per second, and the latency of the
 * accepted and of every answer. Writes bench/OVERLOAD.md.
 */
final class OverloadBench {

    static final int[] RATES = { 250, 500, 1000, 2000 };
    static final Duration STEP = Duration.ofSeconds(6);

    record Row(String ingest, int offered, double accepted, double refused, double acceptedP50,
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

    /** Runs the curve with the stack's ingest, then with a replacement whose bound is lifted; restores the stack's. */
    void run(Path root, Path data, ServiceProcess ingest, Context context) throws Exception {
        context.drain();
        List<Row> rows = new ArrayList<>(curve("bounded (max-in-flight 1000)", context));
        ingest.close();
        Path config = data.resolve("config");
        ServiceProcess unbounded = new ServiceProcess("ingest-service",
                root.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), context.ingestPort(),
                List.of(config.resolve("ingest-service.properties"), config.resolve("connect.properties")),
                data.resolve("logs/ingest-service-unbounded.log"),
                Map.of("INGEST_DELIVERY_MAX_IN_FLIGHT", "100000000"));
        try {
            unbounded.start(Duration.ofMinutes(2));
            rows.addAll(curve("unbounded (before)", context));
        } finally {
            unbounded.close();
            ingest.start(Duration.ofMinutes(2));
        }
        String md = report(rows);
        Files.writeString(root.resolve("bench/OVERLOAD.md"), md);
        System.out.println(md);
    }

    private List<Row> curve(String ingest, Context context) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int rate : RATES) {
            rows.add(step(ingest, rate, context.webhooks()));
            Row r = rows.get(rows.size() - 1);
            System.out.printf(Locale.ROOT, "[overload] %s %d/s: accepted %.0f/s, 503 %.0f/s, p99 %.0f ms%n",
                    ingest, rate, r.accepted(), r.refused(), r.allP99());
            context.drain();
        }
        return rows;
    }

    /** Open loop: requests started at the rate whatever the answers, every answer's latency kept. */
    private Row step(String ingest, int rate, LongFunction<HttpRequest> webhooks) throws Exception {
        LoadClient.Result r = new LoadClient().openLoop(rate, STEP, webhooks, 200, (n, sentAtMs) -> { });
        double seconds = STEP.toSeconds();
        return new Row(ingest, rate, r.ok() / seconds, r.errors() / seconds, r.latency().percentileMs(0.5),
                r.latency().percentileMs(0.99), r.answers().percentileMs(0.99), r.answers().maxMs());
    }

    private static String report(List<Row> rows) {
        StringBuilder md = new StringBuilder("# Overload benchmark\n\n")
                .append("Written by `./customer-flow bench --only overload` on ")
                .append(OffsetDateTime.now(ZoneOffset.UTC).withNano(0)).append(" (2-core machine, the whole system: ")
                .append("ingest, the three consumers, Kafka, PostgreSQL, the lean SaaS stand-in and the load client). ")
                .append("Each rate is offered open loop for ").append(STEP.toSeconds())
                .append(" s (distinct orders and customers, every request signed), the consumers catching up between ")
                .append("steps: first with ingest as configured, then with a replacement ingest whose ")
                .append("`ingest.delivery.max-in-flight` is lifted, as before the bound existed. Accepted: answered 200 ")
                .append("(stored in Kafka); refused: 503 with Retry-After (or no answer).\n\n")
                .append("| ingest | offered/s | accepted/s | refused/s | accepted p50 ms | accepted p99 ms | ")
                .append("every answer p99 ms | every answer max ms |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f |%n",
                    r.ingest(), r.offered(), r.accepted(), r.refused(), r.acceptedP50(), r.acceptedP99(), r.allP99(),
                    r.allMax()));
        }
        return md.toString();
    }
}
