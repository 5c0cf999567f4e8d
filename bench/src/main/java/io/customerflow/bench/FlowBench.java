package io.customerflow.bench;

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

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.infra.FreePorts;
import io.customerflow.infra.KafkaBroker;
import io.customerflow.infra.ServiceProcess;
import io.customerflow.infra.ShopifyAdminStandIn;
import io.customerflow.registry.FlowTriggerUse;
import io.customerflow.registry.SecretBox;
import io.customerflow.registry.ShopRecord;

/**
 * {@code ./customer-flow bench --flow}: Shopify Flow triggers beside live tagging. The packaged tagging against the
 * Shopify stand-in (a real cost bucket, Flow's payload checks), one shop on a Standard budget (100 points/s, bucket
 * 2,000) and one on Plus (1,000 points/s, bucket 20,000). Per shop, in the same run: booking steps ("completed", each
 * a distinct customer) tagged without any trigger in use, then as many others with the shop's workflow using
 * "Booking completed": steps per second with and without their triggers, and the triggers per second. Writes
 * bench/FLOW.md.
 */
public final class FlowBench {

    static final String DATA_KEY = "Y3VzdG9tZXItZmxvdyBsb2NhbCBydW4gZGF0YSBrZXk=";

    record Plan(String name, String shop, double bucket, double rate, int steps) {
    }

    record Run(Plan plan, boolean triggers, int steps, double seconds, double steadyPoints, long tags,
            long triggersSent, long throttled) {
    }

    private FlowBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path work = WorkDirs.temporary("customer-flow-flow-bench-");
        List<Plan> plans = List.of(new Plan("Standard (100 points/s, bucket 2,000)", "standard-flow.myshopify.com",
                2_000, 100, 2_000), new Plan("Shopify Plus (1,000 points/s, bucket 20,000)", "plus-flow.myshopify.com",
                20_000, 1_000, 8_000));
        ShopifyAdminStandIn shopify = new ShopifyAdminStandIn(FreePorts.find());
        plans.forEach(p -> shopify.shop(p.shop(), "shpat_" + p.shop(), p.bucket(), p.rate()));
        shopify.flow().declare(root.resolve("extensions"));
        shopify.start();
        SecretBox box = new SecretBox(Map.of("bench", DATA_KEY), null);
        List<Run> runs = new ArrayList<>();
        try (KafkaBroker kafka = new KafkaBroker(work.resolve("kafka"), FreePorts.find()).start();
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            kafka.createTopics(Topics.ORDERS, Topics.CUSTOMER_EVENTS, Topics.deadLetter("tagging"));
            for (Plan p : plans) {
                producer.send(new ProducerRecord<>("shops.v1", p.shop(), EventJson.toBytes(record(box, p))));
            }
            producer.flush();
            Path config = Files.writeString(work.resolve("tagging.properties"), "config_ordinal=260\n"
                    + "kafka.bootstrap.servers=" + kafka.bootstrapServers() + "\nprivacy.ledger-key=bench-ledger-key\n"
                    + "shop-registry.data-keys.bench=" + DATA_KEY + "\ntagging.shopify.url-template="
                    + shopify.urlTemplate() + "\n");
            try (ServiceProcess tagging = new ServiceProcess("tagging-service", root.resolve(
                    "tagging-service/target/quarkus-app/quarkus-run.jar"), FreePorts.find(), List.of(config),
                    work.resolve("tagging.log"), Map.of())) {
                tagging.start(Duration.ofMinutes(3));
                long customer = 50_000_000L;
                for (Plan p : plans) {
                    for (boolean triggers : new boolean[] { false, true }) {
                        producer.send(new ProducerRecord<>("shops.flow-triggers.v1", p.shop() + "/booking-completed",
                                triggers ? EventJson.toBytes(new FlowTriggerUse.Use(true,
                                        OffsetDateTime.now(ZoneOffset.UTC))) : null)).get();
                        Thread.sleep(2_000); // tagging reads the trigger's use within a poll
                        System.out.printf("[flow] %s, triggers %s: %d steps%n", p.name(), triggers ? "on" : "off", p.steps());
                        runs.add(run(shopify, producer, p, triggers, customer));
                        customer += p.steps();
                        // The bucket full again before the next run.
                        Thread.sleep((long) (p.bucket() / p.rate() * 1000) + 1_000);
                    }
                }
            }
        } finally {
            shopify.close();
        }
        String md = report(runs);
        Files.writeString(root.resolve("bench/FLOW.md"), md);
        System.out.println(md);
    }

    /** Publishes the steps of distinct customers and waits until each is tagged (and its trigger sent, when on). */
    private static Run run(ShopifyAdminStandIn shopify, KafkaProducer<String, byte[]> producer, Plan p, boolean triggers,
            long firstCustomer) throws Exception {
        long tagsBefore = done(shopify, p.shop(), "tagsAdd");
        long triggersBefore = done(shopify, p.shop(), "flowTriggerReceive");
        long throttledBefore = shopify.calls().stream().filter(c -> c.shop().equals(p.shop()) && c.throttled()).count();
        long t0 = System.nanoTime();
        for (int i = 0; i < p.steps(); i++) {
            BookingEvent step = completed(p.shop(), firstCustomer + i);
            producer.send(new ProducerRecord<>(Topics.CUSTOMER_EVENTS, null, EventKeys.bookingKey(step),
                    EventJson.toBytes(step), new CloudEvent(step.bookingId() + "/completed", EventType.BOOKING_COMPLETED,
                            "/bench", null, OffsetDateTime.now(ZoneOffset.UTC)).toHeaders()));
        }
        producer.flush();
        String last = triggers ? "flowTriggerReceive" : "tagsAdd";
        long before = triggers ? triggersBefore : tagsBefore;
        while (done(shopify, p.shop(), last) - before < p.steps()) {
            if (System.nanoTime() - t0 > Duration.ofMinutes(15).toNanos()) {
                throw new IllegalStateException(p.shop() + ": stalled at " + (done(shopify, p.shop(), last) - before));
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(2_000); // nothing more (a double would show here)
        // Steady state: the second half of the run, well past the bucket's initial burst.
        long end = t0 + (long) (seconds * 1e9);
        long half = t0 + (end - t0) / 2;
        List<ShopifyAdminStandIn.Call> late = shopify.calls().stream().filter(c -> c.shop().equals(p.shop())
                && !c.throttled() && c.atNanos() >= half && c.atNanos() <= end).toList();
        double window = (end - half) / 1e9;
        double points = late.stream().mapToLong(ShopifyAdminStandIn.Call::requestedCost).sum() / window;
        return new Run(p, triggers, p.steps(), seconds, points, done(shopify, p.shop(), "tagsAdd") - tagsBefore,
                done(shopify, p.shop(), "flowTriggerReceive") - triggersBefore,
                shopify.calls().stream().filter(c -> c.shop().equals(p.shop()) && c.throttled()).count() - throttledBefore);
    }

    private static long done(ShopifyAdminStandIn shopify, String shop, String operation) {
        return shopify.calls(shop, operation).stream().filter(c -> !c.throttled()).count();
    }

    private static BookingEvent completed(String shop, long customer) {
        return new BookingEvent(shop + "/" + customer + "/1", BookingChannel.CHECKOUT, shop,
                new Customer(customer, "c" + customer + "@example.com", null, null, null, null),
                new BookingEvent.OrderRef(customer, "#" + customer, 1L),
                new BookingEvent.Service("svc", 803L, 1L, "Massage 60 minutes", null, null),
                new BookingEvent.Appointment(null, null, OffsetDateTime.parse("2026-12-10T15:00:00+09:00"), "Asia/Tokyo",
                        "60 minutes", 60, "Studio", List.of("Aiko")), null, List.of(),
                OffsetDateTime.now(ZoneOffset.UTC));
    }

    private static ShopRecord record(SecretBox box, Plan p) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return new ShopRecord(p.shop(), ShopRecord.Status.INSTALLED, null, List.of("write_customers", "read_customers"),
                new ShopRecord.Credential(ShopRecord.Credential.Kind.STATIC, box.seal(p.shop(), "accessToken",
                        "shpat_" + p.shop()), null, null, null), null, new ShopRecord.Settings(false, false, Map.of()),
                now, 1);
    }

    private static String report(List<Run> runs) {
        StringBuilder md = new StringBuilder("# Flow triggers beside live tagging\n\n")
                .append("Written by `./customer-flow bench --flow` on ").append(OffsetDateTime.now(ZoneOffset.UTC)
                        .withNano(0)).append(" (").append(Runtime.getRuntime().availableProcessors())
                .append(" cores): do not edit, run it again.\n\n")
                .append("The packaged tagging against the Shopify stand-in (each shop's cost bucket enforced; Flow checks ")
                .append("every payload against `extensions/`). Each step is a booking completed by a distinct customer: ")
                .append("a `tagsAdd` (`completed-appointment`, 10 points), and with the shop's workflow using ")
                .append("\"Booking completed\", a `flowTriggerReceive` after it (1 point). Same run, same process, the ")
                .append("bucket full at each start. A step is done when its last effect is (its trigger when on). Steady: ")
                .append("the second half of the run, past the bucket's initial burst: the points/s Shopify charged the ")
                .append("shop then, and the steps/s they pay for (points/s ÷ 10 a step, 11 with its trigger). A step's ")
                .append("trigger queues behind later steps' tags in the shop's bucket, so counting completed triggers in ")
                .append("the second half would also count triggers queued in the first.\n\n| shop's budget | triggers | ")
                .append("steps | all done in | steps/s overall | steady points/s | steady steps/s | tagsAdd | triggers ")
                .append("sent | THROTTLED |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f s | %.1f | %.0f | %.1f | %d | %d | %d |%n",
                    r.plan().name(), r.triggers() ? "on" : "off", r.steps(), r.seconds(), r.steps() / r.seconds(),
                    r.steadyPoints(), r.steadyPoints() / (r.triggers() ? 11 : 10), r.tags(), r.triggersSent(),
                    r.throttled()));
        }
        md.append("\nWith triggers on, the steady steps/s is also the triggers/s the sender sustains beside that shop's ")
                .append("live tagging. Where the steady points/s reach the restore rate, the shop's budget bounds it; ")
                .append("below it, tagging's own work on this machine (one process sharing 2 cores with Kafka and the ")
                .append("stand-in) does.\n");
        return md.toString();
    }
}
