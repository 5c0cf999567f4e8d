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
import java.util.Optional;
import java.util.function.LongFunction;

import io.customerflow.infra.ServiceProcess;

/**
 * {@code ./customer-flow bench --only overload}: the whole system offered fixed rates below and past its capacity
 * (searched first: the highest rate it sustains with p99 within a second), with ingest as configured (admission past its adaptive limit and past
 * {@code ingest.delivery.max-in-flight} records awaiting Kafka: 503 at once) and then, same run, with both bounds
 * lifted (the behaviour before them: every request queues for a core and towards its publish timeout). Per rate:
 * accepted and refused per second, and the latency of the
 * accepted and of every answer. Writes bench/OVERLOAD.md.
 */
final class OverloadBench {

    /** Offered rates as multiples of the capacity measured at the start of the run. */
    static final double[] MULTIPLES = { 0.5, 1, 1.5, 2, 3 };
    static final Duration STEP = Duration.ofSeconds(10);

    record Row(String ingest, double multiple, int offered, double accepted, double refused, double acceptedP50,
            double acceptedP99, double allP99, double allMax, IngestShedding.During shedding) {
    }

    /** What the phase needs of the running bench. */
    interface Context {
        int ingestPort();

        /** A request of a fresh webhook numbered n of this step. */
        LongFunction<HttpRequest> webhooks();

        /** Waits until every consumer caught up. */
        void drain() throws Exception;

        /** {@code count} fresh webhooks as bytes on the wire, signed before the clock starts ({@link LeanClient}). */
        byte[][] signed(int count) throws Exception;
    }


    /**
     * Replaces the stack's ingest with one whose bounds are lifted (the behaviour before them), measures the system's
     * capacity with it (closed loop, 64 senders: nothing refused, so the figure is the system's, not admission's) and
     * runs the curve; then the stack's own ingest, warmed up the same way, runs the same rates.
     */
    void run(Path root, Path data, ServiceProcess ingest, Context context) throws Exception {
        context.drain();
        ingest.close();
        Path config = data.resolve("config");
        ServiceProcess unbounded = new ServiceProcess("ingest-service",
                root.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), context.ingestPort(),
                List.of(config.resolve("ingest-service.properties"), config.resolve("connect.properties")),
                data.resolve("logs/ingest-service-unbounded.log"),
                // A latency target no answer reaches: else the adaptive limit shrinks from its lifted maximum at the
                // first slow answers and the "unbounded" ingest refuses at admission after all.
                Map.of("INGEST_DELIVERY_MAX_IN_FLIGHT", "100000000",
                        "INGEST_DELIVERY_MAX_CONCURRENT_REQUESTS", "100000000",
                        "INGEST_DELIVERY_LATENCY_TARGET", "1h"));
        double capacity;
        List<Row> before;
        List<Row> search = new ArrayList<>();
        try {
            unbounded.start(Duration.ofMinutes(2));
            warmUp(context);
            double closed = new LoadClient(true).closedLoop(64, Duration.ofSeconds(10), context.webhooks(), 200)
                    .perSecond();
            System.out.printf(Locale.ROOT, "[overload] closed loop at 64, bounds lifted: %.0f/s%n", closed);
            context.drain();
            capacity = sustained(context, closed, search);
            System.out.printf(Locale.ROOT, "[overload] sustained capacity, bounds lifted: %.0f/s%n", capacity);
            before = curve("unbounded (before)", capacity, context);
        } finally {
            unbounded.close();
        }
        ingest.start(Duration.ofMinutes(2));
        warmUp(context);
        List<Row> rows = new ArrayList<>(curve("as configured (admission + publish bound)", capacity, context));
        // The same ingest offered the same rates by the JDK client, signing each webhook as it sends: how much of the
        // latency past capacity is the load client's, on the same cores.
        rows.addAll(curve(JDK_CLIENT + "as configured (admission + publish bound)", capacity, context));
        rows.addAll(tried(root, data, ingest, capacity, context));
        rows.addAll(before);
        String md = report(capacity, rows, search);
        Files.writeString(root.resolve("bench/OVERLOAD.md"), md);
        System.out.println(md);
    }

    /**
     * {@link TriedIngest}: the bounded curve again from an ingest started with other settings or from another build,
     * same run and capacity, warmed up the same way, to try a value or a change before adopting it. The stack's own
     * ingest is started again afterwards.
     */
    private List<Row> tried(Path root, Path data, ServiceProcess ingest, double capacity, Context context)
            throws Exception {
        Optional<TriedIngest> other = TriedIngest.fromEnvironment();
        if (other.isEmpty()) {
            return List.of();
        }
        context.drain();
        ingest.close();
        ServiceProcess tried = other.get().process(root, data, context.ingestPort());
        try {
            tried.start(Duration.ofMinutes(2));
            warmUp(context);
            return curve(other.get().label("bounded"), capacity, context);
        } finally {
            tried.close();
            ingest.start(Duration.ofMinutes(2));
        }
    }

    /**
     * The rate the whole system sustains, bounds lifted: offered open loop from the closed-loop figure, a quarter more
     * each step while every request is accepted with p99 within {@link #SUSTAINED_P99_MS}; when the first does not
     * hold, a quarter less each step until one does, then an eighth more each step from there. The last rate that
     * held. Closed loop alone under-reads it on this box: its senders wait out the very queueing they cause.
     */
    private double sustained(Context context, double start, List<Row> search) throws Exception {
        double held = 0;
        double rate = start;
        boolean cameDown = false;
        for (int i = 0; i < 10; i++) {
            Row r = step("bounds lifted, finding the capacity", 0, (int) Math.round(rate), context);
            search.add(r);
            System.out.printf(Locale.ROOT, "[overload] search %.0f/s: accepted %.0f/s, p99 %.0f ms%n", rate,
                    r.accepted(), r.acceptedP99());
            context.drain();
            if (r.accepted() >= 0.99 * r.offered() && r.acceptedP99() <= SUSTAINED_P99_MS) {
                held = rate;
                rate *= cameDown ? 1.125 : 1.25;
            } else if (held > 0) {
                break;
            } else {
                cameDown = true;
                rate *= 0.75;
            }
        }
        return held > 0 ? held : rate;
    }

    /** The accepted p99 within which a rate counts as sustained: Shopify's 5 s, less a margin for its network. */
    static final double SUSTAINED_P99_MS = 1000;

    /**
     * A fresh JVM's first minute is its JIT's: {@link #WARM_UP} of load at 64 senders, then 15 s from the lean client
     * at {@link #WARM_UP_RATE}, each followed by the consumers catching up. Every ingest gets the same. With 10 s at 8
     * senders, an ingest met its first curve half compiled: at 2× it refused 150/s with p99 1.6 s where the same build
     * took every webhook within 0.2 s a curve later, and the first ingest (the lifted one) had the capacity search as
     * a longer warm-up than the others; the first runs' capacity search read p99 3 s at a rate the same ingest later
     * took within 0.6 s.
     */
    private static void warmUp(Context context) throws Exception {
        new LoadClient(true).closedLoop(64, WARM_UP, context.webhooks(), 200);
        context.drain();
        LeanClient.openLoop(context.ingestPort(), WARM_UP_RATE, Duration.ofSeconds(15),
                context.signed(WARM_UP_RATE * 15), 200);
        context.drain();
    }

    /** Closed-loop load on a fresh ingest (and, the first time, every service and the broker) before its curve. */
    static final Duration WARM_UP = Duration.ofSeconds(40);

    /** Below what this box sustains in any run so far. */
    static final int WARM_UP_RATE = 200;

    private List<Row> curve(String ingest, double capacity, Context context) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (double multiple : MULTIPLES) {
            int rate = (int) Math.max(1, Math.round(capacity * multiple));
            rows.add(step(ingest, multiple, rate, context));
            Row r = rows.get(rows.size() - 1);
            System.out.printf(Locale.ROOT, "[overload] %s %d/s: accepted %.0f/s, 503 %.0f/s, p99 %.0f ms%n",
                    ingest, rate, r.accepted(), r.refused(), r.allP99());
            context.drain();
        }
        return rows;
    }

    /** Rows whose name starts so were offered by the JDK client (the others by the lean one). */
    static final String JDK_CLIENT = "JDK client: ";

    /**
     * Open loop: requests started at the rate whatever the answers, every answer's latency kept; by the lean client
     * (signed before the clock, pooled connections), or the JDK one where the row's name says so.
     */
    private Row step(String ingest, double multiple, int rate, Context context) throws Exception {
        LoadClient.Result r;
        IngestShedding.During shedding;
        try (IngestShedding watch = IngestShedding.watch(context.ingestPort())) {
            r = ingest.startsWith(JDK_CLIENT)
                    ? new LoadClient().openLoop(rate, STEP, context.webhooks(), 200, (n, sentAtMs) -> { })
                    : LeanClient.openLoop(context.ingestPort(), rate, STEP,
                            context.signed((int) (rate * STEP.toSeconds())), 200);
            shedding = watch.during();
        }
        double seconds = STEP.toSeconds();
        return new Row(ingest, multiple, rate, r.ok() / seconds, r.errors() / seconds, r.latency().percentileMs(0.5),
                r.latency().percentileMs(0.99), r.answers().percentileMs(0.99), r.answers().maxMs(), shedding);
    }

    private static String report(double capacity, List<Row> rows, List<Row> search) {
        StringBuilder md = new StringBuilder("# Overload benchmark\n\n")
                .append("Written by `./customer-flow bench --only overload` on ")
                .append(OffsetDateTime.now(ZoneOffset.UTC).withNano(0)).append(" (2-core machine, the whole system: ")
                .append("ingest, the three consumers, Kafka, PostgreSQL, the lean SaaS stand-in and the load client). ")
                .append("Each rate is offered open loop for ").append(STEP.toSeconds())
                .append(" s (distinct orders and customers, every request signed) by a lean client (signed before the clock, ")
                .append("HTTP/1.1 connections opened as needed and reused, each latency counted from when its request was due; ")
                .append("rows named \"JDK client\" by the JDK client the other phases use, signing as it sends), the ")
                .append("consumers catching up between ")
                .append("steps, each ingest warmed up first: a replacement ingest whose ")
                .append("`ingest.delivery.max-concurrent-requests` and `max-in-flight` are lifted and whose ")
                .append("`latency-target` no answer reaches (its admission limit never shrinks), as before the bounds ")
                .append("existed, then ingest as configured; each ingest is warmed up by ")
                .append(WARM_UP.toSeconds()).append(" s at 64 senders and 15 s at ").append(WARM_UP_RATE)
                .append("/s, the broker runs with its full JIT as a cluster runs it. Accepted: answered 200 ")
                .append("(stored in Kafka); refused: 503 with Retry-After (or no answer). Capacity: the highest rate the ")
                .append("whole system sustained with the bounds lifted, every request accepted with p99 within ")
                .append(String.format(Locale.ROOT, "%.0f ms", SUSTAINED_P99_MS))
                .append(" (searched open loop from the closed-loop figure of 64 senders, a quarter per step up, or down until one holds and then an eighth per step up; the ")
                .append("search is the last table), ").append(String.format(Locale.ROOT, "%.0f", capacity))
                .append(" webhooks/s; goodput = accepted ÷ capacity. Refused by: ingest's own counts during the step, ")
                .append("at admission (`ingest_requests_shed_total`) / at the publish bound (`ingest_publish_shed_total`); ")
                .append("admission limit: the lowest and the last of `ingest_admission_limit`, read every ")
                .append(IngestShedding.EVERY.toMillis()).append(" ms.\n\n")
                .append("| ingest | × capacity | offered/s | accepted/s | goodput | refused/s | refused/s by: admission / ")
                .append("publish bound | admission limit: lowest, last | accepted p50 ms | ")
                .append("accepted p99 ms | every answer p99 ms | every answer max ms |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT,
                    "| %s | %.1f | %d | %.0f | %.2f | %.0f | %s | %s | %.1f | %.1f | %.1f | %.1f |%n", r.ingest(),
                    r.multiple(), r.offered(), r.accepted(), r.accepted() / capacity, r.refused(),
                    r.shedding().refusedBy(), r.shedding().limits(), r.acceptedP50(), r.acceptedP99(), r.allP99(),
                    r.allMax()));
        }
        md.append("\nThe capacity search (bounds lifted):\n\n| offered/s | accepted/s | accepted p50 ms | accepted p99 ms |\n")
                .append("|---:|---:|---:|---:|\n");
        for (Row r : search) {
            md.append(String.format(Locale.ROOT, "| %d | %.0f | %.1f | %.1f |%n", r.offered(), r.accepted(),
                    r.acceptedP50(), r.acceptedP99()));
        }
        return md.toString();
    }
}
