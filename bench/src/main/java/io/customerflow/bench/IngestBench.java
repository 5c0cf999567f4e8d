package io.customerflow.bench;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.customerflow.infra.LocalDemo;
import io.customerflow.infra.ServiceProcess;

/**
 * {@code ./customer-flow bench --only ingest}: ingest on its own (the three consumers stopped), measured by clients
 * that cost it nothing on the clock, against the same run's bare HTTP stack and raw producer. Each webhook is a
 * distinct order of a distinct customer, signed before the clock starts; ingest writes two records for it (the
 * order and its booking), so its records/s are twice its webhooks/s. The JDK client the other phases use, signing
 * each body as it sends, runs the same step for comparison. The load client's CPU is in the table. Writes
 * bench/INGEST.md; {@code BENCH_JFR=<dir>} also records ingest during the lean steps.
 */
final class IngestBench {

    static final int[] CONCURRENCY = { 16, 64, 128 };
    static final Duration STEP = Duration.ofSeconds(8);
    /** Prepared webhooks per step: more than ingest takes in {@link #STEP} on this box. */
    static final int PREPARED = 80_000;

    record Row(int concurrency, String client, double webhooks, double p50, double p99, int errors, double bare,
            double rawRecords, double clientCpu, double ingestCpu) {
        double ingestRecords() {
            return webhooks * 2;
        }
    }

    /** What the phase needs of the running bench. */
    interface Context {
        int ingestPort();

        long base();

        Map<String, Long> servicePids();

        /** Stops (SIGSTOP) or resumes (SIGCONT) the three consumers. */
        void consumers(boolean running);

        /** The raw producer baseline: records/s with acks=all at a concurrency, same broker. */
        double rawProducer(int concurrency, Duration duration) throws Exception;

        void drain() throws Exception;

        /** The warm-up every phase starts with (webhooks with the consumers running), for a restarted ingest. */
        void warmUp() throws Exception;
    }

    void run(Path root, Path data, ServiceProcess ingest, Context context) throws Exception {
        int port = context.ingestPort();
        List<Row> rows = new ArrayList<>();
        Map<Integer, double[]> baselines = new java.util.HashMap<>();
        compiled(context);
        for (int concurrency : CONCURRENCY) {
            byte[][] bare = { LeanClient.get(port, "/q/health/live") };
            double bareRate = LeanClient.closedLoop(port, concurrency, STEP, bare, 200).perSecond();
            double raw = context.rawProducer(concurrency, STEP);
            baselines.put(concurrency, new double[] { bareRate, raw });

            byte[][] webhooks = prepare(port, context.base(), PREPARED);
            rows.add(alone(context, context.servicePids(), concurrency, LEAN, bareRate, raw,
                    () -> FlightRecording.around(context.servicePids().get("ingest-service"), "ingest-" + concurrency,
                            () -> LeanClient.closedLoop(port, concurrency, STEP, webhooks, 200))));
            long base = context.base();
            rows.add(alone(context, context.servicePids(), concurrency, "JDK HttpClient, signing on the clock", bareRate, raw,
                    () -> new LoadClient().closedLoop(concurrency, STEP, n -> Traffic.webhook(
                            LoadClient.uri(port, "/webhooks/shopify"), base, n), 200)));
            print(rows, concurrency);
        }
        rows.addAll(tried(root, data, ingest, context, baselines));
        String md = report(rows);
        Files.writeString(root.resolve("bench/INGEST.md"), md);
        System.out.println(md);
    }

    private static final String LEAN = "lean, pre-signed";

    /**
     * Ingest under the steps' load for {@link #COMPILED} before the first, then the consumers catch up. The phases'
     * common warm-up (15 s at 8 senders) left it compiling: JFR showed the C2 compiler threads as ingest's busiest
     * during the 64-sender step, so every step measured the JIT's work besides ingest's.
     */
    private static void compiled(Context context) throws Exception {
        LeanClient.closedLoop(context.ingestPort(), 64, COMPILED, prepare(context.ingestPort(), context.base(),
                PREPARED), 200);
        context.drain();
    }

    static final Duration COMPILED = Duration.ofSeconds(30);

    private static void print(List<Row> rows, int concurrency) {
        rows.forEach(r -> {
            if (r.concurrency() == concurrency) {
                System.out.printf(Locale.ROOT, "[ingest] %d senders, %s: %.0f webhooks/s (%.0f records/s), p99 %.1f"
                        + " ms; bare %.0f/s, raw producer %.0f records/s%n", concurrency, r.client(), r.webhooks(),
                        r.ingestRecords(), r.p99(), r.bare(), r.rawRecords());
            }
        });
    }

    /**
     * {@link TriedIngest}: the lean steps again against an ingest started with other settings or from another build,
     * after the configured one's and against the same run's baselines, to try a value or a change before adopting it.
     * Each ingest had the same warm-up before its first step; the stack's own has had its earlier steps besides. The
     * stack's own ingest is started again afterwards.
     */
    private List<Row> tried(Path root, Path data, ServiceProcess ingest, Context context,
            Map<Integer, double[]> baselines) throws Exception {
        Optional<TriedIngest> tried = TriedIngest.fromEnvironment();
        if (tried.isEmpty()) {
            return List.of();
        }
        String label = tried.get().label(LEAN);
        context.drain();
        ingest.close();
        ServiceProcess other = tried.get().process(root, data, context.ingestPort());
        List<Row> rows = new ArrayList<>();
        try {
            other.start(Duration.ofMinutes(2));
            context.warmUp();
            compiled(context);
            Map<String, Long> pids = new java.util.HashMap<>(context.servicePids());
            pids.put("ingest-service", other.pid());
            for (int concurrency : CONCURRENCY) {
                byte[][] webhooks = prepare(context.ingestPort(), context.base(), PREPARED);
                double[] baseline = baselines.get(concurrency);
                rows.add(alone(context, pids, concurrency, label, baseline[0],
                        baseline[1], () -> LeanClient.closedLoop(context.ingestPort(), concurrency, STEP, webhooks, 200)));
                print(rows, concurrency);
            }
        } finally {
            other.close();
            ingest.start(Duration.ofMinutes(2));
        }
        return rows;
    }

    interface Step {
        LoadClient.Result run() throws Exception;
    }

    /** One step with the consumers stopped; they resume and work the backlog off before the next. */
    private Row alone(Context context, Map<String, Long> pids, int concurrency, String client, double bare,
            double raw, Step step) throws Exception {
        context.consumers(false);
        LoadClient.Result result;
        Map<String, Double> before = Cpu.now(pids);
        try {
            result = step.run();
        } finally {
            context.consumers(true);
        }
        Map<String, Double> used = Cpu.since(before, Cpu.now(pids));
        context.drain();
        return new Row(concurrency, client, result.perSecond(), result.latency().percentileMs(0.5),
                result.latency().percentileMs(0.99), result.errors(), bare, raw,
                used.get("bench (load client + SaaS stand-in)") / result.seconds(),
                used.get("ingest-service") / result.seconds());
    }

    /** Distinct signed orders/create webhooks as bytes on the wire, made before the clock starts. */
    static byte[][] prepare(int port, long base, int count) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(LocalDemo.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[][] requests = new byte[count][];
        for (int i = 0; i < count; i++) {
            long n = i + 1;
            byte[] body = Traffic.order(base, n);
            String signature = Base64.getEncoder().encodeToString(mac.doFinal(body));
            requests[i] = LeanClient.post(port, "/webhooks/shopify", List.of("Content-Type: application/json",
                    "X-Shopify-Hmac-Sha256: " + signature, "X-Shopify-Topic: orders/create",
                    "X-Shopify-Shop-Domain: " + Traffic.shopOf(n), "X-Shopify-Webhook-Id: bench-" + (base + n)), body);
        }
        return requests;
    }

    static String report(List<Row> rows) {
        StringBuilder md = new StringBuilder("""
                # Ingest alone

                Written by `./customer-flow bench --only ingest` on %s (%d-core machine). The three consumers are stopped
                (SIGSTOP) while ingest takes webhooks, so it has the cores; each step is %d s of distinct signed
                `orders/create` webhooks (a new order and customer each) from senders on one HTTP/1.1 connection each.
                Ingest answers 200 once Kafka acknowledged both records a webhook makes (the order and its booking),
                so its records/s are twice its webhooks/s. Baselines of the same run: the bare HTTP stack
                (`/q/health/live`, same server, same client) and a raw producer (acks=all, the same senders, one
                record each). CPU in seconds per second of the step (2.0 is both cores). A client naming settings or a
                build ran after the others against an ingest restarted with them (`BENCH_INGEST_SETTINGS`,
                `BENCH_INGEST_JAR`), same baselines and warm-up. Each ingest first takes %d s of them at 64 senders (its
                JIT compiles), the broker runs with its full JIT as a cluster runs it.

                | senders | client | webhooks/s | ingest records/s | raw producer records/s | ingest / raw | p50 ms | p99 ms | errors | bare HTTP req/s | load client CPU | ingest CPU |
                |---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
                """.formatted(OffsetDateTime.now(ZoneOffset.UTC).withNano(0), Runtime.getRuntime().availableProcessors(),
                STEP.toSeconds(), COMPILED.toSeconds()));
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %.0f | %.0f | %.2f | %.1f | %.1f | %d | %.0f | %.2f | %.2f |%n",
                    r.concurrency(), r.client(), r.webhooks(), r.ingestRecords(), r.rawRecords(),
                    r.ingestRecords() / r.rawRecords(), r.p50(), r.p99(), r.errors(), r.bare(), r.clientCpu(),
                    r.ingestCpu()));
        }
        return md.toString();
    }
}
