package io.customerflow.bench;

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

import io.customerflow.infra.FreePorts;
import io.customerflow.infra.KafkaBroker;
import io.customerflow.infra.ServiceProcess;

/**
 * {@code ./customer-flow bench --seen}: the memory of ingest's orders-seen table (the reconciler leader's record of
 * what it published per order). The packaged ingest starts as the only replica, hence the leader, once on an empty
 * seen topic and once on a topic of {@value #ORDERS} distinct orders of {@value #SHOPS} shops, all inside the
 * retention (same run): the time to read the table, and the heap in use after a full GC. Writes bench/SEEN.md.
 */
public final class SeenBench {

    static final int ORDERS = 1_000_000;
    static final int SHOPS = 3_000;

    record Run(String table, long orders, double readySeconds, double loadSeconds, long heapMb, long rssMb) {
    }

    private SeenBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path work = WorkDirs.temporary("customer-flow-seen-bench-");
        List<Run> runs = new ArrayList<>();
        try (KafkaBroker kafka = new KafkaBroker(work.resolve("kafka"), FreePorts.find()).start()) {
            kafka.createTopics("bench.seen.empty", "bench.seen.full");
            System.out.println("[seen] writing " + ORDERS + " orders of " + SHOPS + " shops");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                    new StringSerializer(), new ByteArraySerializer())) {
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                for (int i = 0; i < ORDERS; i++) {
                    // Distinct orders, updated over the last six days (inside the seven-day retention), some cancelled.
                    String key = "seen-" + (i % SHOPS) + ".myshopify.com/" + (5_000_000_000L + i * 7L);
                    String value = "{\"updatedAt\":\"" + now.minusSeconds(i % 518_400) + "\",\"cancelled\":"
                            + (i % 10 == 0) + "}";
                    producer.send(new ProducerRecord<>("bench.seen.full", key, value.getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            runs.add(start(root, work, kafka, "empty", "bench.seen.empty", 0));
            runs.add(start(root, work, kafka, ORDERS + " orders", "bench.seen.full", ORDERS));
        }
        String md = report(runs);
        Files.writeString(root.resolve("bench/SEEN.md"), md);
        System.out.println(md);
    }

    /** Starts ingest on the seen topic, waits until it holds {@code expected} orders, then measures its heap. */
    private static Run start(Path root, Path work, KafkaBroker kafka, String table, String topic, long expected)
            throws Exception {
        System.out.println("[seen] ingest on the " + table + " table");
        Path config = Files.writeString(work.resolve(topic + ".properties"), String.join("\n", "config_ordinal=260",
                "kafka.bootstrap.servers=" + kafka.bootstrapServers(), "privacy.ledger-key=bench-ledger-key",
                "shop-registry.data-keys.bench=Y3VzdG9tZXItZmxvdyBsb2NhbCBydW4gZGF0YSBrZXk=",
                "ingest.shopify.webhook-secrets=bench-secret", "ingest.reconcile.seen-topic=" + topic,
                "ingest.reconcile.state-topic=" + topic + ".state", "ingest.reconcile.group-id=" + topic + ".leader",
                "shop-registry.topic=" + topic + ".shops", ""));
        ServiceProcess ingest = new ServiceProcess("ingest-service",
                root.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), FreePorts.find(), List.of(config),
                work.resolve("ingest-" + topic + ".log"), Map.of());
        try {
            long t0 = System.nanoTime();
            ingest.start(Duration.ofMinutes(3));
            double ready = (System.nanoTime() - t0) / 1e9;
            // The empty table: ten seconds, so the replica surely leads (holds its empty table) when measured.
            while (seen(ingest.port()) < expected || (expected == 0 && System.nanoTime() - t0 < 10_000_000_000L)) {
                if (System.nanoTime() - t0 > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException("the table held " + seen(ingest.port()) + " of " + expected);
                }
                Thread.sleep(200);
            }
            double load = (System.nanoTime() - t0) / 1e9;
            long held = seen(ingest.port());
            long heap = Memory.heapMbAfterGc(ingest.pid(), ingest.port());
            return new Run(table, held, ready, expected == 0 ? Double.NaN : load, heap, Memory.rssMb(ingest.pid()));
        } finally {
            ingest.close();
        }
    }

    private static long seen(int port) throws Exception {
        return (long) Memory.metrics(port).lines().filter(l -> l.startsWith("ingest_reconcile_orders_seen"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String report(List<Run> runs) {
        Run empty = runs.get(0);
        Run full = runs.get(1);
        StringBuilder md = new StringBuilder("# Orders-seen table benchmark\n\n")
                .append("Written by `./customer-flow bench --seen` on ").append(OffsetDateTime.now(ZoneOffset.UTC)
                        .withNano(0)).append(" (2-core machine). The packaged ingest, the only replica and so the ")
                .append("reconciler's leader, starts on an empty seen topic, then on one of ").append(ORDERS)
                .append(" distinct orders of ").append(SHOPS).append(" shops, all updated within the retention (same ")
                .append("run). Ready: from launch to `/q/health/ready`; loaded: from launch until the table holds ")
                .append("every order (`ingest_reconcile_orders_seen`). ")
                .append("Heap: in use after a full GC (`jcmd GC.run`), from the service's own gauges.\n\n")
                .append("| seen table | orders held | ready | loaded | heap after GC | RSS |\n|---|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f s | %s | %d MB | %d MB |%n", r.table(), r.orders(),
                    r.readySeconds(), Double.isNaN(r.loadSeconds()) ? "—" : String.format(Locale.ROOT, "%.1f s",
                            r.loadSeconds()), r.heapMb(), r.rssMb()));
        }
        double perOrder = (full.heapMb() - empty.heapMb()) * 1024.0 * 1024.0 / Math.max(1, full.orders());
        md.append(String.format(Locale.ROOT, "%nThe table costs about %.0f bytes an order (%d MB for %,d orders): "
                + "the chart's ingest heap (75 %% of a 512 MiB limit, 384 MiB) holds about %.1f million orders inside the "
                + "seven-day retention (`ingest.reconcile.seen-retention`), beyond which the leader forgets them and "
                + "writes tombstones. Only the leader holds it.%n", perOrder, full.heapMb() - empty.heapMb(),
                full.orders(), (384 - empty.heapMb()) * 1024.0 * 1024.0 / Math.max(1, perOrder) / 1e6));
        return md.toString();
    }
}
