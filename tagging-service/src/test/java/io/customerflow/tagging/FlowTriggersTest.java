package io.customerflow.tagging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.events.FlowTriggers;
import io.customerflow.events.RedactionLedger;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.EventSchemas;
import io.customerflow.infra.InfraTestResource;
import io.customerflow.infra.KafkaTestClient;
import io.customerflow.infra.ShopifyAdminStandIn;
import io.customerflow.infra.ShopifyFlowStandIn;
import io.customerflow.infra.TestInfrastructure;
import io.customerflow.registry.FlowTriggerUse;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.SecretBox;
import io.customerflow.registry.ShopRecord;
import io.customerflow.tagging.config.TaggingConfig;
import io.customerflow.tagging.messaging.Channels;
import io.customerflow.tagging.repository.SentFlowTriggers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;

/**
 * Booking steps as Shopify Flow triggers, against a stand-in Flow that knows the repository's trigger extensions and
 * checks each payload against their declared fields: nothing for a shop whose workflows don't use the trigger, each
 * step once with its exact payload where they do, nothing more once disabled, never twice for a redelivery (on this
 * replica or a restarted one), never for a backfilled step, a redacted person or an instant booker Shopify doesn't
 * know, a THROTTLED shop waited for, and a payload Flow refuses dead-lettered with Flow's reason while the next step
 * is still sent.
 */
@QuarkusTest
@TestProfile(FlowTriggersTest.Profile.class)
@QuarkusTestResource(InfraTestResource.class)
class FlowTriggersTest {

    static final String SHOP = "flow-spa.myshopify.com";
    static final String TOPIC = "test.tagging.shops.v1";
    static final String USE_TOPIC = "test.tagging.flow-triggers.v1";
    static final SecretBox BOX = new SecretBox(Map.of("test", "Y3VzdG9tZXItZmxvdyB0ZXN0cyBkYXRhIGtleSAzMmI="), null);
    static final ObjectMapper JSON = new ObjectMapper();
    static KafkaTestClient kafka;
    static long version;

    @Inject
    MeterRegistry metrics;
    @Inject
    RegisteredShops registry;
    @Inject
    FlowTriggerUse flowUse;
    @Inject
    io.customerflow.consumer.RedactedSubjects redacted;
    @Inject
    TaggingConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @BeforeAll
    static void kafka() {
        kafka = new KafkaTestClient(TestInfrastructure.kafka());
        shopify().flow().declare(Path.of("..", "extensions"));
    }

    @Test
    void eachStepStartsTheShopsWorkflowsOnceWhileTheyUseItAndNeverForARedelivery() throws Exception {
        // Installed, no workflow uses a trigger yet: the step is tagged, nothing goes to Flow.
        register(Map.of());
        publish(EventType.BOOKING_COMPLETED, "flow-1/completed", checkout(1L, 7_001L));
        await().atMost(Duration.ofSeconds(20)).until(() -> tagged(7_001L) == 1);
        assertEquals(0, sent(7_001L));

        // The merchant enables a "Booking completed → review request" workflow.
        register(Map.of("booking-completed", true));
        BookingEvent visit = checkout(2L, 7_002L);
        publish(EventType.BOOKING_COMPLETED, "flow-2/completed", visit);
        await().atMost(Duration.ofSeconds(20)).until(() -> sent(7_002L) == 1);
        ShopifyFlowStandIn.Received received = shopify().flow().received(SHOP).stream()
                .filter(r -> r.payload().path("customer_id").asLong() == 7_002L).findFirst().orElseThrow();
        assertEquals("booking-completed", received.handle());
        assertEquals(JSON.readTree("""
                {"customer_id": 7002, "Booking id": "flow-spa.myshopify.com/2/1", "Channel": "checkout",
                 "Service": "Deep tissue massage", "Start": "2026-12-10T15:00:00+09:00", "Duration minutes": 60,
                 "Time zone": "Asia/Tokyo", "Location": "Shibuya studio", "Resource": "Aiko, Room 2", "Order id": "2"}"""),
                received.payload());
        var call = shopify().calls(SHOP, "flowTriggerReceive").stream().filter(c -> c.body().contains("7002"))
                .findFirst().orElseThrow();
        assertEquals(1, call.requestedCost(), "paced in the shop's bucket at Flow's cost");
        // Tags first: a workflow reading the customer's tags sees this step's.
        List<String> order = shopify().calls().stream().filter(c -> c.shop().equals(SHOP) && !c.throttled()
                && c.body().contains("7002")).map(ShopifyAdminStandIn.Call::operation).toList();
        assertEquals(List.of("tagsAdd", "flowTriggerReceive"), order);

        // Redelivered: nothing more (this replica remembers it). A restarted replica, which does not, reads the mark.
        publish(EventType.BOOKING_COMPLETED, "flow-2/completed", visit);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> sent(7_002L) == 1);
        SentFlowTriggers restarted = new SentFlowTriggers(config, kafkaConfig, new SimpleMeterRegistry());
        try {
            assertTrue(restarted.contains(SHOP, "flow-2/completed"));
            assertTrue(!restarted.contains("another-shop.myshopify.com", "flow-2/completed"), "marks are the shop's");
        } finally {
            restarted.close();
        }
        // A step no workflow uses (a no-show) goes nowhere.
        publish(EventType.BOOKING_NO_SHOW, "flow-3/no-show", checkout(3L, 7_003L));
        await().atMost(Duration.ofSeconds(20)).until(() -> tagged(7_003L) == 1);
        assertEquals(0, sent(7_003L));

        // Disabled again: nothing more.
        register(Map.of("booking-completed", false));
        publish(EventType.BOOKING_COMPLETED, "flow-4/completed", checkout(4L, 7_004L));
        await().atMost(Duration.ofSeconds(20)).until(() -> tagged(7_004L) == 1);
        assertEquals(0, sent(7_004L));
    }

    @Test
    void backfilledStepsAndInstantBookersShopifyDoesNotKnowStartNothing() {
        register(Map.of("booking-confirmed", true, "booking-completed", true));
        double noCustomer = count("booking-confirmed", "no-customer");
        publish(EventType.BOOKING_COMPLETED, "flow-past/completed", checkout(20L, 7_020L).asHistorical());
        publish(EventType.BOOKING_CONFIRMED, "ib-flow-1", new BookingEvent("ib-flow-1", BookingChannel.INSTANT, SHOP,
                new Customer(null, "walk.in@example.com", "Walk", "In", null, "en"), null, null, null, null, List.of(),
                OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5)));
        await().atMost(Duration.ofSeconds(20)).until(() -> count("booking-confirmed", "no-customer") > noCustomer
                && tagged(7_020L) == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> sent(7_020L) == 0
                && shopify().flow().received(SHOP).stream().noneMatch(r -> r.payload().path("Booking id").asText()
                        .equals("ib-flow-1")));
        assertEquals(0, shopify().calls(SHOP, "customerByIdentifier").size(), "the shop keeps no instant bookers");
    }

    @Test
    void aPayloadFlowRefusesIsDeadLetteredWithFlowsReasonAndTheNextStepIsStillSent() {
        register(Map.of("booking-rescheduled", true));
        BookingEvent huge = checkout(30L, 7_030L);
        huge = new BookingEvent(huge.bookingId(), huge.channel(), SHOP, huge.customer(), huge.order(), huge.service(),
                new BookingEvent.Appointment(null, null, null, null, null, null, "x".repeat(60_000), List.of()),
                null, List.of(), huge.occurredAt());
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            publish(EventType.BOOKING_RESCHEDULED, "flow-30/rescheduled", huge);
            publish(EventType.BOOKING_RESCHEDULED, "flow-31/rescheduled", checkout(31L, 7_031L));
            List<ConsumerRecord<String, byte[]>> dead = dlq.await(1, Duration.ofSeconds(30));
            assertEquals("flow-30/rescheduled", CloudEvent.header(dead.get(0).headers(), "ce_id"));
            assertEquals("flowTriggerReceive booking-rescheduled userErrors: Errors validating schema: "
                    + "Properties size exceeds the limit of 50000 bytes.",
                    CloudEvent.header(dead.get(0).headers(), "dead-letter-reason"));
            assertEquals("rejected", CloudEvent.header(dead.get(0).headers(), "dead-letter-reason-word"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sent(7_031L) == 1);
        assertEquals(0, sent(7_030L));
    }

    /** tagsAdd calls Shopify carried out for the customer. */
    private static long tagged(long customerId) {
        return shopify().calls(SHOP, "tagsAdd").stream().filter(c -> !c.throttled()
                && c.body().contains("gid://shopify/Customer/" + customerId + "\"")).count();
    }

    /** Triggers Flow accepted for the customer. */
    private static long sent(long customerId) {
        return shopify().flow().received(SHOP).stream().filter(r -> r.payload().path("customer_id").asLong() == customerId)
                .count();
    }

    @Test
    void aThrottledShopWaitsAndARedactedPersonsStepsStartNothing() {
        register(Map.of("booking-rescheduled", true));
        // A redacted person: their later step is dropped before anything is sent (the redaction ledger).
        OffsetDateTime redactedAt = OffsetDateTime.now().minusMinutes(1);
        var redaction = new CustomerRedactRequested(SHOP, 7_040L, "c7040@example.com", List.of(), redactedAt);
        for (String key : new RedactionLedger("test-ledger-key").keysOf(redaction)) {
            kafka.send(RedactionLedger.TOPIC, key, null, EventJson.toBytes(new RedactionLedger.Mark(redactedAt)));
        }
        BookingEvent redactedStep = checkout(40L, 7_040L);
        // The consumer reads the ledger on its own thread: once it knows the mark, the step comes.
        await().atMost(Duration.ofSeconds(10)).until(() -> redacted.suppresses(EventRecord.of("k", new CloudEvent(
                "probe", EventType.BOOKING_RESCHEDULED, "/test", null, OffsetDateTime.now()), redactedStep)));
        publish(EventType.BOOKING_RESCHEDULED, "flow-40/rescheduled", redactedStep);
        // The shop's bucket in debt: the next step's trigger is THROTTLED, waits for the bucket, and is sent once.
        shopify().drain(SHOP, 30);
        publish(EventType.BOOKING_RESCHEDULED, "flow-41/rescheduled", checkout(41L, 7_041L));
        await().atMost(Duration.ofSeconds(30)).until(() -> sent(7_041L) == 1);
        assertTrue(shopify().calls(SHOP, "flowTriggerReceive").stream().anyMatch(c -> c.throttled()
                && c.body().contains("7041")), "Flow answered THROTTLED first");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> sent(7_041L) == 1);
        assertEquals(0, sent(7_040L), "nothing about the redacted person");
        assertEquals(0, shopify().calls().stream().filter(c -> c.body().contains("7040")).count());
    }

    private double count(String trigger, String outcome) {
        var c = metrics.find("tagging.flow.triggers").tag("trigger", trigger).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    /**
     * Installs the shop (its next registry version) and records these triggers' use as ingest does (the registry's
     * trigger-use topic; the others forgotten), and waits until tagging read both.
     */
    private void register(Map<String, Boolean> triggers) {
        long next = ++version;
        ShopRecord record = new ShopRecord(SHOP, ShopRecord.Status.INSTALLED, "test-app", List.of("write_customers"),
                new ShopRecord.Credential(ShopRecord.Credential.Kind.STATIC, BOX.seal(SHOP, "accessToken", "shpat_flow"),
                        null, null, null), null, new ShopRecord.Settings(true, false, Map.of()), OffsetDateTime.now(),
                next);
        kafka.send(TOPIC, SHOP, null, EventJson.toBytes(record));
        for (FlowTriggers t : FlowTriggers.values()) {
            Boolean on = triggers.get(t.handle());
            kafka.send(USE_TOPIC, SHOP + "/" + t.handle(), null, on == null ? null
                    : EventJson.toBytes(new FlowTriggerUse.Use(on, OffsetDateTime.now())));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.find(SHOP).map(ShopRecord::version).orElse(0L) == next
                && flowUse.of(SHOP).entrySet().stream().allMatch(e -> e.getValue().enabled() == Boolean.TRUE.equals(
                        triggers.get(e.getKey()))) && flowUse.of(SHOP).keySet().equals(triggers.keySet()));
    }

    static BookingEvent checkout(long orderId, long customerId) {
        return new BookingEvent(SHOP + "/" + orderId + "/1", BookingChannel.CHECKOUT, SHOP,
                new Customer(customerId, "c" + customerId + "@example.com", null, null, null, null),
                new BookingEvent.OrderRef(orderId, "#" + orderId, 1L),
                new BookingEvent.Service("svc-9", 803L, 1L, "Deep tissue massage", null, null),
                new BookingEvent.Appointment("Dec 10", "15:00", OffsetDateTime.parse("2026-12-10T15:00:00+09:00"),
                        "Asia/Tokyo", "60 minutes", 60, "Shibuya studio", List.of("Aiko", "Room 2")),
                null, List.of(), OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5));
    }

    static void publish(EventType type, String ceId, BookingEvent booking) {
        byte[] value = EventJson.toBytes(booking);
        EventSchemas.assertValid(type, value);
        kafka.send(Topics.CUSTOMER_EVENTS, EventKeys.bookingKey(booking),
                new CloudEvent(ceId, type, "/test", null, OffsetDateTime.now()).toHeaders(), value);
    }

    static ShopifyAdminStandIn shopify() {
        return ShopifyStandInResource.shopify;
    }

    /** The shop on the stand-in with Shopify's standard bucket; its token only in the registry. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ShopifyStandInResource.class,
                    Map.of("shops", SHOP + ":shpat_flow:1000:50")));
        }
    }
}
