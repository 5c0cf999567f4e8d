package io.customerflow.tagging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.customerflow.consumer.BookingSteps;
import io.customerflow.consumer.BookingStepsConfig;
import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.EventSchemas;
import io.customerflow.infra.InfraTestResource;
import io.customerflow.infra.KafkaTestClient;
import io.customerflow.infra.ShopifyAdminStandIn;
import io.customerflow.infra.TestInfrastructure;
import io.customerflow.tagging.messaging.Channels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Booking steps from {@code customer-events.v1} against a Shopify stand-in that holds customers and checks tokens and
 * the cost bucket: instant bookers become Shopify customers only where the shop opted in, existing customers are
 * tagged and never updated, lifecycle steps tag checkout and instant customers by the default rules.
 */
@QuarkusTest
@TestProfile(BookingStepsTaggingTest.Profile.class)
@QuarkusTestResource(InfraTestResource.class)
class BookingStepsTaggingTest {

    static final String OPTED_IN = "opted-in.myshopify.com";
    static final String OPTED_OUT = "opted-out.myshopify.com";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String LOOKUP = "query customerByEmail($identifier: CustomerIdentifierInput!) "
            + "{ customerByIdentifier(identifier: $identifier) { id } }";
    static final String CREATE = "mutation customerCreate($input: CustomerInput!) "
            + "{ customerCreate(input: $input) { customer { id } userErrors { field message } } }";
    static final String TAGS_ADD = "mutation tagsAdd($id: ID!, $tags: [String!]!) "
            + "{ tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }";
    static KafkaTestClient kafka;

    @Inject
    MeterRegistry metrics;
    @Inject
    BookingStepsConfig stepsConfig;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @BeforeAll
    static void kafka() {
        kafka = new KafkaTestClient(TestInfrastructure.kafka());
    }

    @Test
    void withoutOptInAnInstantBookerIsNeverLookedUpOrCreated() {
        double before = outcome("not_in_shopify");
        BookingEvent b = instant(OPTED_OUT, "ib_out_1", "nobody@example.com", "No", "Body", "en");
        publish(EventType.BOOKING_CONFIRMED, "ib_out_1", b);
        publish(EventType.BOOKING_COMPLETED, "ib_out_1/completed", b);
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("not_in_shopify") - before >= 2);
        assertEquals(List.of(), shopify().calls().stream().filter(c -> c.shop().equals(OPTED_OUT)).toList());
        assertEquals(0, shopify().customerCount(OPTED_OUT));
    }

    @Test
    void anInstantBookerIsLookedUpCreatedOnceAndTaggedAndARedeliveryChangesNothing() throws Exception {
        BookingEvent b = instant(OPTED_IN, "ib_new_1", "Hanako.Yamada@Example.jp", "花子", "山田", "ja");
        publish(EventType.BOOKING_CONFIRMED, "ib_new_1", b);
        await().atMost(Duration.ofSeconds(20)).until(() -> tagsAdded("hanako.yamada@example.jp") == 1);

        List<ShopifyAdminStandIn.Call> calls = callsFor("hanako.yamada@example.jp");
        assertEquals(List.of("customerByIdentifier", "customerCreate", "tagsAdd"),
                calls.stream().map(ShopifyAdminStandIn.Call::operation).toList());
        assertEquals(JSON.readTree("""
                {"query": "%s", "variables": {"identifier": {"emailAddress": "Hanako.Yamada@Example.jp"}}}"""
                .formatted(LOOKUP)), JSON.readTree(calls.get(0).body()));
        assertEquals(JSON.readTree("""
                {"query": "%s", "variables": {"input": {"email": "Hanako.Yamada@Example.jp", "firstName": "花子",
                  "lastName": "山田", "locale": "ja"}}}""".formatted(CREATE)), JSON.readTree(calls.get(1).body()),
                "names, email and locale only: never marketing consent");
        JsonNode created = shopify().customer(OPTED_IN, "hanako.yamada@example.jp");
        assertEquals(JSON.readTree("""
                {"query": "%s", "variables": {"id": "%s", "tags": ["booked-appointment"]}}"""
                .formatted(TAGS_ADD, created.path("id").asText())), JSON.readTree(calls.get(2).body()));
        assertEquals("[\"booked-appointment\"]", created.path("tags").toString());

        double noMatch = outcome("no_match");
        publish(EventType.BOOKING_CONFIRMED, "ib_new_1", b); // redelivered
        // The same customer's lane takes its events in order: once this one (no rule: no call) is done, so is the repeat.
        publish(EventType.BOOKING_RESCHEDULED, "ib_new_1/rescheduled/x", at(b, "2026-11-23T10:00:00Z"));
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("no_match") > noMatch);
        assertEquals(3, callsFor("hanako.yamada@example.jp").size(), "the redelivery made no call");
        assertEquals(1, shopify().calls(OPTED_IN, "customerCreate").stream()
                .filter(c -> c.body().contains("Hanako.Yamada@Example.jp")).count());

        // A later step of the same booker: found by email, tagged, never created again.
        publish(EventType.BOOKING_COMPLETED, "ib_new_1/completed", at(b, "2026-12-05T12:00:00+09:00"));
        await().atMost(Duration.ofSeconds(20)).until(() -> tagsAdded("hanako.yamada@example.jp") == 2);
        assertEquals(List.of("customerByIdentifier", "customerCreate", "tagsAdd", "customerByIdentifier", "tagsAdd"),
                callsFor("hanako.yamada@example.jp").stream().map(ShopifyAdminStandIn.Call::operation).toList());
        assertEquals("[\"booked-appointment\",\"completed-appointment\"]",
                shopify().customer(OPTED_IN, "hanako.yamada@example.jp").path("tags").toString());
        assertEquals(0, shopify().throttled(), "paced by the shop's bucket");
    }

    @Test
    void aStepOfABookingShopifyNeverSawCreatesNoCustomerInAnOptedInShop() {
        // A complete and a no-show for a booking id no confirmation ever carried (a typo in the app): looked up,
        // not found, and neither creates a customer nor tags one.
        double noCustomer = outcome("no_customer");
        BookingEvent typo = instant(OPTED_IN, "ib_typo_1", "typo.booker@example.com", "Ty", "Po", "en");
        publish(EventType.BOOKING_COMPLETED, "ib_typo_1/completed", typo);
        publish(EventType.BOOKING_NO_SHOW, "ib_typo_1/no-show", typo);
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("no_customer") - noCustomer >= 2);
        assertEquals(List.of("customerByIdentifier", "customerByIdentifier"),
                callsFor("typo.booker@example.com").stream().map(ShopifyAdminStandIn.Call::operation).toList());
        assertEquals(null, shopify().customer(OPTED_IN, "typo.booker@example.com"));
    }

    @Test
    void anExistingCustomerIsTaggedAndNeverUpdated() {
        shopify().addCustomer(OPTED_IN, 4_242L, "regular@example.com", "Reggie", "Lar", List.of("vip"), "prefers mornings");
        JsonNode before = shopify().customer(OPTED_IN, "regular@example.com");
        publish(EventType.BOOKING_CONFIRMED, "ib_regular", instant(OPTED_IN, "ib_regular", "regular@example.com",
                "Someone", "Else", "de"));
        await().atMost(Duration.ofSeconds(20)).until(() -> tagsAdded("regular@example.com") == 1);
        assertEquals(List.of("customerByIdentifier", "tagsAdd"),
                callsFor("regular@example.com").stream().map(ShopifyAdminStandIn.Call::operation).toList());
        JsonNode after = shopify().customer(OPTED_IN, "regular@example.com");
        for (String field : List.of("id", "firstName", "lastName", "email", "note", "locale")) {
            assertEquals(before.path(field), after.path(field), field + " is the merchant's");
        }
        assertEquals("[\"vip\",\"booked-appointment\"]", after.path("tags").toString());
    }

    @Test
    void checkoutStepsTagTheOrdersCustomerByIdOrByEmailAndNeverCreateOne() {
        shopify().addCustomer(OPTED_OUT, 5_151L, "checkout@example.com", "Chee", "Kout", List.of(), null);
        // A checkout customer is the order's: tagged in any shop, opted in or not.
        BookingEvent withId = checkout(OPTED_OUT, 61L, 5_151L, "checkout@example.com");
        publish(EventType.BOOKING_COMPLETED, withId.bookingId() + "/completed", withId);
        BookingEvent byEmail = checkout(OPTED_OUT, 62L, null, "Checkout@Example.com");
        publish(EventType.BOOKING_NO_SHOW, byEmail.bookingId() + "/no-show", byEmail);
        double noCustomer = outcome("no_customer");
        BookingEvent unknown = checkout(OPTED_OUT, 63L, null, "unknown@example.com");
        publish(EventType.BOOKING_NO_SHOW, unknown.bookingId() + "/no-show", unknown);

        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().customer(OPTED_OUT, "checkout@example.com")
                .path("tags").size() == 2 && outcome("no_customer") > noCustomer);
        assertEquals("[\"completed-appointment\",\"missed-appointment\"]",
                shopify().customer(OPTED_OUT, "checkout@example.com").path("tags").toString());
        assertEquals(2, shopify().calls(OPTED_OUT, "customerByIdentifier").size(),
                "looked up only when the step has no customer id");
        assertEquals(0, shopify().calls(OPTED_OUT, "customerCreate").size());
        assertEquals(1, shopify().customerCount(OPTED_OUT));
        // The checkout confirmation is the order rule's (orders.v1): the booking-step rule is for instant ones.
        BookingEvent confirmed = checkout(OPTED_OUT, 64L, 5_151L, "checkout@example.com");
        double noMatch = outcome("no_match");
        publish(EventType.BOOKING_CONFIRMED, confirmed.bookingId(), confirmed);
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("no_match") > noMatch);
        assertEquals(2, shopify().calls(OPTED_OUT, "tagsAdd").size());
    }

    /**
     * A booking's steps converge on its latest, whatever order they arrive in: an older no-show after the completion
     * tags no one (the store keeps it as history), a newer one is a correction and is tagged.
     */
    @Test
    void aStepOlderThanItsBookingsLatestTagsNoOne() {
        shopify().addCustomer(OPTED_OUT, 7_171L, "steps@example.com", "Step", "Wise", List.of(), null);
        BookingEvent booking = checkout(OPTED_OUT, 71L, 7_171L, "steps@example.com");
        double outdated = outcome("outdated");
        publish(EventType.BOOKING_COMPLETED, booking.bookingId() + "/completed", at(booking, "2026-11-22T12:00:00Z"));
        publish(EventType.BOOKING_NO_SHOW, booking.bookingId() + "/no-show", at(booking, "2026-11-22T11:00:00Z"));
        // Same time as the completion: the earlier step of a booking's life (a reschedule) is the older one.
        publish(EventType.BOOKING_RESCHEDULED, booking.bookingId() + "/rescheduled", at(booking, "2026-11-22T12:00:00Z"));
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("outdated") - outdated >= 2);
        assertEquals("[\"completed-appointment\"]", shopify().customer(OPTED_OUT, "steps@example.com").path("tags")
                .toString());
        assertEquals(1, tagCalls(OPTED_OUT, "gid://shopify/Customer/7171"));

        publish(EventType.BOOKING_NO_SHOW, booking.bookingId() + "/no-show-2", at(booking, "2026-11-22T13:00:00Z"));
        await().atMost(Duration.ofSeconds(20)).until(() -> tagCalls(OPTED_OUT, "gid://shopify/Customer/7171") == 2);
        assertEquals("[\"completed-appointment\",\"missed-appointment\"]",
                shopify().customer(OPTED_OUT, "steps@example.com").path("tags").toString());
        assertEquals(2, outcome("outdated") - outdated, "the newer no-show was not outdated");

        // A restarted replica (or the partition's next owner) reads the latest steps back from the topic.
        BookingSteps restarted = new BookingSteps(stepsConfig, kafkaConfig, new SimpleMeterRegistry());
        try {
            assertTrue(restarted.isOutdated(EventType.BOOKING_COMPLETED, at(booking, "2026-11-22T12:30:00Z")));
            assertFalse(restarted.isOutdated(EventType.BOOKING_CANCELLED, at(booking, "2026-11-22T13:30:00Z")));
        } finally {
            restarted.close();
        }
    }

    private static long tagCalls(String shop, String gid) {
        return shopify().calls(shop, "tagsAdd").stream().filter(c -> c.body().contains("\"" + gid + "\"")).count();
    }

    @Test
    void aUserErrorFromCustomerCreateIsDeadLetteredWithItsReason() {
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            publish(EventType.BOOKING_CONFIRMED, "ib_bad_email", instant(OPTED_IN, "ib_bad_email",
                    "someone@localhost", "Bad", "Mail", "en"));
            List<ConsumerRecord<String, byte[]>> dead = dlq.await(1, Duration.ofSeconds(20));
            assertEquals("ib_bad_email", CloudEvent.header(dead.get(0).headers(), "ce_id"));
            String reason = CloudEvent.header(dead.get(0).headers(), "dead-letter-reason");
            assertEquals("customerCreate userErrors: Email is invalid", reason);
            assertEquals("rejected", CloudEvent.header(dead.get(0).headers(), "dead-letter-reason-word"));
            assertEquals(Topics.CUSTOMER_EVENTS, CloudEvent.header(dead.get(0).headers(), "dead-letter-topic"));
            assertFalse(reason.contains("someone@localhost"), "no email in the reason");
        }
        assertNull(shopify().customer(OPTED_IN, "someone@localhost"));
        assertTrue(shopify().calls(OPTED_IN, "tagsAdd").stream().noneMatch(c -> c.body().contains("localhost")));
    }

    private double outcome(String outcome) {
        var counter = metrics.find("tagging.events").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The calls about one customer: look-ups and creates by email, tag changes by the gid they got. */
    private static List<ShopifyAdminStandIn.Call> callsFor(String email) {
        JsonNode customer = shopify().customer(OPTED_IN, email);
        String gid = customer == null ? "none" : customer.path("id").asText();
        return shopify().calls().stream().filter(c -> c.shop().equals(OPTED_IN) && !c.throttled()
                && (c.body().toLowerCase().contains(email) || c.body().contains("\"" + gid + "\""))).toList();
    }

    private static long tagsAdded(String email) {
        return callsFor(email).stream().filter(c -> c.operation().equals("tagsAdd")).count();
    }

    static BookingEvent instant(String shop, String id, String email, String first, String last, String locale) {
        return new BookingEvent(id, BookingChannel.INSTANT, shop, new Customer(null, email, first, last, null, locale),
                null, new BookingEvent.Service("svc-1", null, null, "Massage", null, null), null, null, List.of(),
                OffsetDateTime.parse("2026-11-22T10:30:00Z"));
    }

    static BookingEvent checkout(String shop, long orderId, Long customerId, String email) {
        return new BookingEvent(shop + "/" + orderId + "/1", BookingChannel.CHECKOUT, shop,
                new Customer(customerId, email, null, null, null, null), new BookingEvent.OrderRef(orderId, null, 1L),
                null, null, null, List.of(), OffsetDateTime.parse("2026-11-22T10:30:00Z"));
    }

    static BookingEvent at(BookingEvent b, String time) {
        return new BookingEvent(b.bookingId(), b.channel(), b.shop(), b.customer(), b.order(), null, null, null,
                List.of(), OffsetDateTime.parse(time));
    }

    static void publish(EventType type, String ceId, BookingEvent booking) {
        byte[] value = EventJson.toBytes(booking);
        EventSchemas.assertValid(type, value);
        kafka.send(Topics.CUSTOMER_EVENTS, EventKeys.bookingKey(booking),
                new CloudEvent(ceId, type, "/test", null, OffsetDateTime.now()).toHeaders(), value);
    }

    /** One shop opted in to instant customers, one not; both on the stand-in. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tagging.shops.in.domain", OPTED_IN, "tagging.shops.in.access-token", "shpat_in",
                    "tagging.shops.in.create-instant-customers", "true",
                    "tagging.shops.out.domain", OPTED_OUT, "tagging.shops.out.access-token", "shpat_out");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ShopifyStandInResource.class, Map.of("shops", OPTED_IN + ":shpat_in:1000:50," + OPTED_OUT + ":shpat_out:1000:50")));
        }
    }

    static ShopifyAdminStandIn shopify() {
        return ShopifyStandInResource.shopify;
    }
}
