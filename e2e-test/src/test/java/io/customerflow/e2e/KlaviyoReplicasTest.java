package io.customerflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
import io.customerflow.infra.KlaviyoStandIn;
import io.customerflow.infra.ServiceProcess;

/**
 * Klaviyo's limits hold for the whole deployment: two packaged klaviyo-service replicas drain one account's backlog
 * against a stand-in that enforces the published limits; a second replica joins mid-backlog and the first then
 * stops (two rebalances, the account's pacing handed over each time). No request is over the limit, every event
 * reaches Klaviyo.
 */
class KlaviyoReplicasTest {

    static final String SHOP = "replicas.myshopify.com";
    static final String API_KEY = "pk_replicas_e2e";
    static final String EVENTS = "/api/events";
    /**
     * More than a minute's worth of single creates at the client's 95 % share of 3,500/min (3,325): the replica that
     * takes over last sends the rest in the window the others' requests still fill.
     */
    static final int BOOKINGS = 4_000;

    static Path dir;
    static KafkaBroker kafka;
    static KlaviyoStandIn klaviyo;
    static Path config;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("customer-flow-klaviyo-replicas-");
        kafka = new KafkaBroker(dir.resolve("kafka"), FreePorts.find()).start();
        kafka.createTopics(Topics.CUSTOMER_EVENTS, Topics.deadLetter("klaviyo"));
        klaviyo = new KlaviyoStandIn(FreePorts.find()).start();
        config = Files.writeString(dir.resolve("klaviyo.properties"), String.join("\n",
                "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "privacy.ledger-key=replicas-test",
                "shop-registry.data-keys.e2e=Y3VzdG9tZXItZmxvdyBsb2NhbCBydW4gZGF0YSBrZXk=",
                "klaviyo.base-url=" + klaviyo.baseUrl(),
                "klaviyo.accounts.replicas.api-key=" + API_KEY,
                "klaviyo.accounts.replicas.shops=" + SHOP,
                // Single creates only (3,500/min): the limit a backlog meets soonest.
                "klaviyo.delivery.bulk-threshold=1000000",
                "klaviyo.delivery.bulk-when-singles-wait=false", ""));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (klaviyo != null) {
            klaviyo.close();
        }
    }

    static ServiceProcess replica(String name) {
        return new ServiceProcess(name, Path.of("..").toAbsolutePath().normalize()
                .resolve("klaviyo-service/target/quarkus-app/quarkus-run.jar"), FreePorts.find(), List.of(config),
                dir.resolve(name + ".log"), Map.of());
    }

    @Test
    void twoReplicasAndTwoRebalancesStayWithinTheAccountsLimitsAndLoseNothing() throws Exception {
        produceBookings(SHOP, "ib_replicas_");
        ServiceProcess first = replica("klaviyo-a").start(Duration.ofMinutes(2));
        ServiceProcess second = replica("klaviyo-b");
        try {
            EndToEndTest.awaitTrue(Duration.ofSeconds(60), () -> klaviyo.accepted(API_KEY, EVENTS).size() >= 1_000);
            second.start(Duration.ofMinutes(2)); // rebalance: half the work partitions move to it
            EndToEndTest.awaitTrue(Duration.ofSeconds(60), () -> klaviyo.accepted(API_KEY, EVENTS).size() >= 3_000);
            first.close(); // SIGTERM: everything moves to the second replica
            EndToEndTest.awaitTrue(Duration.ofMinutes(4), () -> klaviyo.uniqueIds().size() >= BOOKINGS);
        } finally {
            first.close();
            second.close();
        }
        assertWithinTheLimitsAndComplete(API_KEY, "klaviyo replicas", BOOKINGS);
    }

    /**
     * No request over the limits and every booking there. The share of the allowed rate used is printed, not asserted:
     * the bench measures pace; on a busy box a share says more about the box than about the code.
     */
    private static void assertWithinTheLimitsAndComplete(String apiKey, String label, int uniqueIds) {
        List<Long> accepted = klaviyo.accepted(apiKey, EVENTS).stream().sorted().toList();
        for (int i = 1; i < accepted.size(); i++) {
            if (accepted.get(i) - accepted.get(i - 1) > 5_000_000_000L) {
                System.out.printf("[%s] idle %.1f s after request %d (%.1f s in)%n", label,
                        (accepted.get(i) - accepted.get(i - 1)) / 1e9, i, (accepted.get(i - 1) - accepted.get(0)) / 1e9);
            }
        }
        long span = accepted.get(accepted.size() - 1) - accepted.get(0);
        long allowed = KlaviyoStandIn.allowedWithin(EVENTS, span);
        double share = (double) accepted.size() / allowed;
        System.out.printf("[%s] %d events in %.1f s: %.1f %% of the %d the published limits allowed;"
                + " %d over the limit, %d unique_ids sent more than once%n", label, accepted.size(), span / 1e9,
                share * 100, allowed, klaviyo.overLimit(), klaviyo.repeatedUniqueIds());
        assertEquals(0, klaviyo.overLimit(), "no request over the account's limits, whatever replica sent it");
        assertEquals(uniqueIds, klaviyo.uniqueIds().size(), "every booking reached Klaviyo");
    }

    static void produceBookings(String shop, String prefix) throws Exception {
        var props = Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        OffsetDateTime at = OffsetDateTime.now();
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < BOOKINGS; i++) {
                BookingEvent b = new BookingEvent(prefix + i, BookingChannel.INSTANT, shop,
                        new Customer(null, "replica" + i + "@example.com", "Rep", "Lica", null, "en"), null, null,
                        null, null, List.of(), at);
                var ce = new CloudEvent(shop + "/" + b.bookingId() + "/confirmed", EventType.BOOKING_CONFIRMED,
                        "/e2e", null, at);
                producer.send(new ProducerRecord<>(Topics.CUSTOMER_EVENTS, null, EventKeys.bookingKey(b),
                        EventJson.toBytes(b), ce.toHeaders()));
            }
        }
    }
}
