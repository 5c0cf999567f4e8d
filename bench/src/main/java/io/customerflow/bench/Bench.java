package io.customerflow.bench;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.infra.LocalDemo;
import io.customerflow.infra.LocalStack;
import io.customerflow.infra.LeanSaasStandIn;

/**
 * {@code ./customer-flow bench [--quick] [--burst N]}: starts the whole system on free ports, measures it against
 * baselines taken in the same run, and writes BENCHMARKS.md and bench/latency.svg. {@code --reconcile}: the
 * backfill benchmark instead ({@link ReconcileBench}, bench/RECONCILE.md).
 */
public final class Bench {

    /**
     * Each demo shop's Admin API bucket in the stand-in: Shopify Plus (restores 1,000 points/s; a {@code tagsAdd}
     * costs 10, so about 100 a second per shop, 300 for the three).
     */
    static final double SHOPIFY_BUCKET = 10_000;
    static final double SHOPIFY_RESTORE = 1_000;

    private final boolean quick;
    private final int burst;
    private final String only;
    private final Report report = new Report();
    private LocalDemo.Ports ports;
    private LocalStack stack;
    private SinkWatch sinks;
    private LeanSaasStandIn standIn;
    private long nextBase = 10_000_000L;

    private Bench(boolean quick, int burst, String only) {
        this.quick = quick;
        this.burst = burst;
        this.only = only;
    }

    public static void main(String[] args) throws Exception {
        // The broker as a cluster runs it (C2 too), not C1 only as in tests: it shares the cores with what is measured.
        System.setProperty("customer-flow.broker-jit", System.getProperty("customer-flow.broker-jit", "full"));
        List<String> a = List.of(args);
        if (a.contains("--reconcile")) {
            ReconcileBench.main(args);
            return;
        }
        if (a.contains("--registry")) {
            RegistryBench.main(args);
            return;
        }
        if (a.contains("--flow")) {
            FlowBench.main(args);
            return;
        }
        if (a.contains("--seen")) {
            SeenBench.main(args);
            return;
        }
        boolean quick = a.contains("--quick");
        int burst = a.contains("--burst") ? Integer.parseInt(a.get(a.indexOf("--burst") + 1)) : quick ? 5_000 : 100_000;
        // --only store: just the store phase (a before/after of one change), reported on stdout, BENCHMARKS.md untouched
        String only = a.contains("--only") ? a.get(a.indexOf("--only") + 1) : null;
        new Bench(quick, burst, only).run(Path.of("").toAbsolutePath());
    }

    private void run(Path root) throws Exception {
        Path data = WorkDirs.temporary("customer-flow-bench-");
        ports = LocalDemo.Ports.free();
        stack = LocalStack.in(root, data);
        // Stopped (SIGSTOP) for a step, a consumer can't end when the bench is stopped mid-step: resume them first.
        Thread resume = new Thread(() -> stack.servicePids().values().forEach(pid -> signal("CONT", pid)));
        Runtime.getRuntime().addShutdownHook(resume);
        try {
            sinks = new SinkWatch(ports);
            standIn = stack.start(ports, port -> {
                LeanSaasStandIn standIn = new LeanSaasStandIn(port, sinks::accepted);
                for (String shop : LocalDemo.SHOPS) {
                    standIn.shopify().shop(shop, LocalDemo.SHOPIFY_TOKEN, SHOPIFY_BUCKET, SHOPIFY_RESTORE);
                }
                return standIn.start();
            });
            report.command = "./customer-flow bench" + (quick ? " --quick" : "") + " --burst " + burst;
            if (only != null) { // one phase, printed; BENCHMARKS.md is left as the last full run wrote it
                warmUp();
                drain();
                switch (only) {
                    case "store" -> storeThroughput();
                    case "burst" -> burst();
                    case "throughput" -> throughput();
                    case "overload" -> new OverloadBench().run(root, data, stack.service("ingest-service"),
                            new OverloadBench.Context() {
                                @Override
                                public int ingestPort() {
                                    return ports.service("ingest-service");
                                }

                                @Override
                                public java.util.function.LongFunction<java.net.http.HttpRequest> webhooks() {
                                    long base = base();
                                    return n -> Traffic.webhook(LoadClient.uri(ingestPort(), "/webhooks/shopify"),
                                            base, n);
                                }

                                @Override
                                public void drain() throws Exception {
                                    Bench.this.drain();
                                }

                                @Override
                                public byte[][] signed(int count) throws Exception {
                                    return IngestBench.prepare(ingestPort(), Bench.this.base(), count);
                                }
                            });
                    case "ingest" -> new IngestBench().run(root, data, stack.service("ingest-service"),
                            new IngestBench.Context() {
                        @Override
                        public int ingestPort() {
                            return ports.service("ingest-service");
                        }

                        @Override
                        public long base() {
                            return Bench.this.base();
                        }

                        @Override
                        public Map<String, Long> servicePids() {
                            return stack.servicePids();
                        }

                        @Override
                        public void consumers(boolean running) {
                            Map<String, Long> pids = stack.servicePids();
                            List.of("customer-store-service", "tagging-service", "klaviyo-service")
                                    .forEach(name -> signal(running ? "CONT" : "STOP", pids.get(name)));
                        }

                        @Override
                        public double rawProducer(int concurrency, Duration duration) throws Exception {
                            return Bench.this.rawProducer(concurrency, duration);
                        }

                        @Override
                        public void drain() throws Exception {
                            Bench.this.drain();
                        }

                        @Override
                        public void warmUp() throws Exception {
                            Bench.this.warmUp();
                        }
                    });
                    default -> throw new IllegalArgumentException("--only store|throughput|burst|overload|ingest");
                }
                return;
            }
            memory("idle");
            warmUp();
            try (Memory.Peaks peaks = Memory.sample(stack.servicePids())) {
                throughput();
                peaks.forEach((name, mb) -> report.memory.add(new Report.MemoryRow(name, "peak during (1)", mb)));
            }
            memory("after the throughput steps");
            drain();
            endToEnd();
            storeThroughput();
            burst();
            report.overLimit = new Report.OverLimit(standIn.shopify().throttled(), standIn.klaviyo().overLimit());
            report.write(root);
        } finally {
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(resume);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, harmlessly
            }
        }
    }

    private Duration step() {
        return Duration.ofSeconds(quick ? 4 : 8);
    }

    private int runs() {
        return quick ? 1 : 3;
    }

    private void warmUp() throws Exception {
        long base = base();
        new LoadClient().closedLoop(8, Duration.ofSeconds(quick ? 5 : 15),
                n -> Traffic.webhook(LoadClient.uri(ports.service("ingest-service"), "/webhooks/shopify"), base, n), 200);
        sinks.reset();
    }

    /** 1. Ingest at rising concurrency, against the bare HTTP stack and a raw producer. */
    private void throughput() throws Exception {
        // Doubling past 64 until ingest stops gaining: saturation is where the curve flattens.
        for (int concurrency : quick ? new int[] { 1, 4, 16, 64 } : new int[] { 1, 4, 16, 64, 128, 256 }) {
            double[] bare = new double[runs()];
            double[] ingest = new double[runs()];
            double[] kafka = new double[runs()];
            LoadClient.Result lastIngest = null;
            for (int r = 0; r < runs(); r++) {
                bare[r] = new LoadClient().closedLoop(concurrency, step(), n -> HttpRequest.newBuilder(
                        LoadClient.uri(ports.service("ingest-service"), "/q/health/live")).build(), 200).perSecond();
                long base = base();
                lastIngest = new LoadClient().closedLoop(concurrency, step(), n -> Traffic.webhook(
                        LoadClient.uri(ports.service("ingest-service"), "/webhooks/shopify"), base, n), 200);
                ingest[r] = lastIngest.perSecond();
                kafka[r] = rawProducer(concurrency, step());
                sinks.reset();
            }
            double alone = List.of(16, 64, 128).contains(concurrency) ? ingestAlone(concurrency) : Double.NaN;
            report.throughput.add(new Report.ThroughputRow(concurrency, Stats.median(ingest), alone, Stats.median(bare),
                    Stats.median(kafka), lastIngest.latency().percentileMs(0.5), lastIngest.latency().percentileMs(0.99),
                    lastIngest.latency().maxMs(), lastIngest.errors()));
            System.out.printf("[bench] concurrency %d: ingest %.0f/s (alone %.0f/s), bare %.0f/s, raw producer %.0f/s%n",
                    concurrency, Stats.median(ingest), alone, Stats.median(bare), Stats.median(kafka));
        }
    }

    /**
     * Ingest on its own: the three consumers stopped (SIGSTOP) while it takes webhooks, so it has the cores the
     * whole system shares otherwise; then they resume and work the backlog off before the next step.
     */
    private double ingestAlone(int concurrency) throws Exception {
        Map<String, Long> pids = stack.servicePids();
        List<String> consumers = List.of("customer-store-service", "tagging-service", "klaviyo-service");
        long base = base();
        double perSecond;
        consumers.forEach(name -> signal("STOP", pids.get(name)));
        try {
            perSecond = new LoadClient().closedLoop(concurrency, step(), n -> Traffic.webhook(
                    LoadClient.uri(ports.service("ingest-service"), "/webhooks/shopify"), base, n), 200).perSecond();
        } finally {
            consumers.forEach(name -> signal("CONT", pids.get(name)));
        }
        drain();
        return perSecond;
    }

    /** The same records, sent straight to the broker with acks=all by the same number of senders. */
    private double rawProducer(int concurrency, Duration duration) throws Exception {
        var config = Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ports.kafka(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            byte[] value = Traffic.order(1, 1);
            long end = System.nanoTime() + duration.toNanos();
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            var workers = java.util.concurrent.Executors.newFixedThreadPool(concurrency);
            long start = System.nanoTime();
            for (int w = 0; w < concurrency; w++) {
                workers.submit(() -> {
                    while (System.nanoTime() < end) {
                        producer.send(new ProducerRecord<>("bench.baseline", "k" + sent.get(), value)).get();
                        sent.incrementAndGet();
                    }
                    return null;
                });
            }
            workers.shutdown();
            workers.awaitTermination(duration.toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS);
            return sent.get() / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** 2. Fixed rates: time from sending the webhook to the row, the Shopify mutation and the Klaviyo event. */
    private void endToEnd() throws Exception {
        int[] rates = quick ? new int[] { 50, 150 } : new int[] { 100, 250, 500, 1000 };
        Duration duration = Duration.ofSeconds(quick ? 10 : 60);
        for (int rate : rates) {
            long base = base();
            Map<Long, Long> accepted = new ConcurrentHashMap<>();
            Map<String, Double> cpuBefore = Cpu.now(stack.servicePids());
            LoadClient.Result result = new LoadClient().openLoop(rate, duration, n -> Traffic.webhook(
                    LoadClient.uri(ports.service("ingest-service"), "/webhooks/shopify"), base, n), 200,
                    (n, sentAtMs) -> accepted.put(base + n, sentAtMs));
            long to = base + rate * duration.toSeconds();
            awaitSinks(base, to, accepted.keySet(), Duration.ofMinutes(10));
            // Every process's CPU for these webhooks, from the first send until the last sink had them all.
            report.cpu.add(new Report.CpuRow(rate, accepted.size(), Cpu.since(cpuBefore, Cpu.now(stack.servicePids()))));
            Stats store = lag(accepted, sinks.store(base, to));
            Stats shopify = lag(accepted, sinks.shopify(base, to));
            Stats klaviyo = lag(accepted, sinks.klaviyo(base, to));
            // Percentiles cover what arrived; what had not arrived when the wait ended is reported beside them.
            int missing = accepted.size() - Math.min(store.count(), Math.min(shopify.count(), klaviyo.count()));
            report.endToEnd.add(new Report.LatencyRow(rate, result.perSecond(), result.errors(),
                    result.latency().percentileMs(0.5), result.latency().percentileMs(0.99), store, shopify, klaviyo,
                    missing));
            System.out.printf("[bench] %d/s: store p50 %.0f ms, shopify p50 %.0f ms, klaviyo p50 %.0f ms%n", rate,
                    store.percentileMs(0.5), shopify.percentileMs(0.5), klaviyo.percentileMs(0.5));
            sinks.reset();
            drain();
        }
    }

    /** Waits until every consumer group has caught up, so a phase never measures the previous phase's backlog. */
    private void drain() throws Exception {
        Lag.awaitZero("127.0.0.1:" + ports.kafka(), Duration.ofMinutes(10));
        sinks.reset();
    }

    /**
     * 3. The store draining a backlog of distinct customers' bookings alone: every consumer is stopped (SIGSTOP)
     * while the backlog is produced, then only the store resumes; against a raw batched insert of as many rows.
     */
    private void storeThroughput() throws Exception {
        drain();
        // A drain not measured first: the batched path gets hot (JIT) only under a backlog, which warm-up webhooks
        // arriving one by one never build.
        produceBookings(base(), quick ? 5_000 : 20_000);
        drain();
        int n = quick ? 20_000 : 100_000;
        long base = base();
        Map<String, Long> pids = stack.servicePids();
        long storePid = pids.get("customer-store-service");
        // Recorded from before the stop (BENCH_JFR): a stopped JVM can't be attached to. Stopped, it takes no samples.
        Drain drain = FlightRecording.around(storePid, "store-drain", () -> drainAlone(pids, storePid, base, n));
        int applied = drain.applied();
        Map<String, Double> cpu = drain.cpu();
        System.out.printf("[bench] store drain CPU s per 1,000 events: %s%n", perThousand(cpu, applied));
        double consumer = applied / drain.seconds();
        double baseline = batchedInsert(n);
        report.store = new Report.StoreRow(n, applied, consumer, baseline);
        System.out.printf("[bench] store drained %d events at %.0f events/s, batched insert %.0f rows/s%n", applied,
                consumer, baseline);
        drain();
    }

    private record Drain(int applied, double seconds, Map<String, Double> cpu) {
    }

    /** Stops the consumers, produces n bookings, then times the store alone applying them. */
    private Drain drainAlone(Map<String, Long> pids, long storePid, long base, int n) throws Exception {
        List<String> consumers = List.of("customer-store-service", "tagging-service", "klaviyo-service");
        consumers.forEach(name -> signal("STOP", pids.get(name)));
        try {
            produceBookings(base, n);
            signal("CONT", storePid);
            Map<String, Double> cpuBefore = Cpu.now(pids);
            long start = System.nanoTime();
            long deadline = start + Duration.ofMinutes(5).toNanos();
            int applied;
            while ((applied = sinks.storeCount(base, base + n)) < n && System.nanoTime() < deadline) {
                Thread.sleep(200); // each look counts the rows so far: not too often, it costs PostgreSQL
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Drain(applied, seconds, Cpu.since(cpuBefore, Cpu.now(pids)));
        } finally {
            consumers.forEach(name -> signal("CONT", pids.get(name)));
        }
    }

    /** n booking confirmations, each of a different customer and order, as ingest would publish them. */
    private void produceBookings(long base, int n) throws Exception {
        var config = Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ports.kafka(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                long id = base + i;
                BookingEvent b = new BookingEvent(Traffic.SHOP + "/" + id + "/1", BookingChannel.CHECKOUT, Traffic.SHOP,
                        new Customer(id, "bench" + id + "@example.com", "Jane", "Doe", null, "en"),
                        new BookingEvent.OrderRef(id, "#" + id, 1L), null, null, null, List.of(), OffsetDateTime.now());
                var ce = new CloudEvent(b.bookingId(), EventType.BOOKING_CONFIRMED, "/bench", null, b.occurredAt());
                producer.send(new ProducerRecord<>(Topics.CUSTOMER_EVENTS, null, EventKeys.bookingKey(b),
                        EventJson.toBytes(b), ce.toHeaders()));
            }
        }
    }

    private static Map<String, String> perThousand(Map<String, Double> cpu, int events) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        cpu.forEach((name, s) -> out.put(name, String.format(Locale.ROOT, "%.3f", s * 1000 / Math.max(1, events))));
        return out;
    }

    private static void signal(String signal, long pid) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double batchedInsert(int n) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/customer_flow",
                "postgres", "")) {
            // A real table with the customer table's indexes and constraints: the same write-ahead log and index work.
            c.createStatement().execute("drop table if exists bench_baseline");
            c.createStatement().execute("create table bench_baseline (like customer including all)");
            c.setAutoCommit(false);
            long start = System.nanoTime();
            try (var s = c.prepareStatement("insert into bench_baseline (id, shop, customer_key, email, email_normalized,"
                    + " first_name, last_name, shopify_customer_id) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    s.setLong(1, i);
                    s.setString(2, Traffic.SHOP);
                    s.setString(3, "b" + i + "@example.com");
                    s.setString(4, "b" + i + "@example.com");
                    s.setString(5, "b" + i + "@example.com");
                    s.setString(6, "Jane");
                    s.setString(7, "Doe");
                    s.setLong(8, i);
                    s.addBatch();
                    if (i % 500 == 499) {
                        s.executeBatch();
                        c.commit();
                    }
                }
                s.executeBatch();
                c.commit();
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** 4. A flash sale: as many webhooks as the client can send, then the time until every sink caught up. */
    private void burst() throws Exception {
        drain();
        // The store phase's bookings reach klaviyo-service too, and sending them spends the account's Klaviyo
        // windows; the longest is a minute: after it the burst finds them as a flash sale would, not spent.
        Thread.sleep(quick ? 0 : 60_000);
        long base = base();
        long start = System.currentTimeMillis();
        LoadClient.Result result = new LoadClient().closedLoop(64, Duration.ofMinutes(10), burst,
                n -> Traffic.webhook(LoadClient.uri(ports.service("ingest-service"), "/webhooks/shopify"), base, n), 200);
        long sent = System.currentTimeMillis();
        long to = base + burst;
        awaitSinks(base, to, result.ok(), Duration.ofMinutes(30));
        List<Report.SinkCatchUp> sinksDone = new ArrayList<>();
        for (var sink : List.of(Map.entry("store", sinks.store(base, to)), Map.entry("Shopify", sinks.shopify(base, to)),
                Map.entry("Klaviyo", sinks.klaviyo(base, to)))) {
            long last = sink.getValue().values().stream().mapToLong(Long::longValue).max().orElse(sent);
            int[] cumulative = new int[(int) Math.max(1, (last - start) / 1000 + 1)];
            sink.getValue().values().forEach(at -> cumulative[(int) Math.max(0, (at - start) / 1000)]++);
            for (int t = 1; t < cumulative.length; t++) {
                cumulative[t] += cumulative[t - 1];
            }
            sinksDone.add(new Report.SinkCatchUp(sink.getKey(), sink.getValue().size(), (last - start) / 1000.0,
                    cumulative));
        }
        report.burst = new Report.BurstRow(burst, result.ok(), result.errors(), (sent - start) / 1000.0,
                result.latency().percentileMs(0.99), result.latency().maxMs(), sinksDone);
        System.out.printf("[bench] burst of %d: %d accepted in %.1f s (p99 %.1f ms, max %.1f ms, %d errors); %s%n",
                burst, result.ok(), (sent - start) / 1000.0, result.latency().percentileMs(0.99),
                result.latency().maxMs(), result.errors(), sinksDone);
    }

    /**
     * Until every accepted webhook's effect is in every sink. Counting arrivals is not enough: a webhook answered 503
     * (ingest's publish timeout) may still reach Kafka, so its effects would stand in for an accepted one's.
     */
    private boolean awaitSinks(long from, long to, java.util.Set<Long> accepted, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (sinks.store(from, to).keySet().containsAll(accepted)
                    && sinks.shopify(from, to).keySet().containsAll(accepted)
                    && sinks.klaviyo(from, to).keySet().containsAll(accepted)) {
                return true;
            }
            Thread.sleep(accepted.size() > 20_000 ? 3000 : 500); // each look reads the store's rows
        }
        System.out.println("[bench] sinks did not catch up within " + timeout);
        return false;
    }

    /** Until every sink holds {@code expected} effects (a burst without errors: every id in the range accepted). */
    private boolean awaitSinks(long from, long to, int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (sinks.store(from, to).size() >= expected && sinks.shopify(from, to).size() >= expected
                    && sinks.klaviyo(from, to).size() >= expected) {
                return true;
            }
            Thread.sleep(expected > 20_000 ? 3000 : 500); // each look counts the store's rows
        }
        System.out.println("[bench] sinks did not catch up within " + timeout);
        return false;
    }

    private static Stats lag(Map<Long, Long> accepted, Map<Long, Long> arrived) {
        Stats stats = new Stats();
        accepted.forEach((id, at) -> {
            Long in = arrived.get(id);
            if (in != null) {
                stats.add((in - at) * 1000); // from the send: an effect can't precede it
            }
        });
        return stats;
    }

    private void memory(String when) {
        stack.servicePids().forEach((name, pid) -> report.memory.add(new Report.MemoryRow(name, when, Memory.rssMb(pid))));
    }

    private long base() {
        long base = nextBase;
        nextBase += 10_000_000L;
        return base;
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
