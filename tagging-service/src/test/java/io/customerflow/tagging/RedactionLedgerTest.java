package io.customerflow.tagging;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.RedactionLedger;
import io.customerflow.events.Topics;
import io.quarkus.test.junit.QuarkusTest;

/**
 * After a customers/redact, nothing about that person is tagged again: not a replayed or reconciled order, not an
 * order update or cancel, not a later step of a booking. A booking made after the redaction is tagged.
 */
@QuarkusTest
class RedactionLedgerTest extends TaggingTestBase {

    private static final String SHOP = "downtown-salon.myshopify.com";
    private static final long CUSTOMER = 88_001L;
    private static final String GID = "gid://shopify/Customer/" + CUSTOMER;

    @Test
    void aRedactedPersonIsNeverTaggedAgainButANewBookingIs() {
        stubOk(SHOP);
        OffsetDateTime redactedAt = OffsetDateTime.now().minusMinutes(1);
        RedactionLedger ledger = new RedactionLedger("test-ledger-key");
        var redaction = new CustomerRedactRequested(SHOP, CUSTOMER, "c88001@example.com", List.of(), redactedAt);
        for (String key : ledger.keysOf(redaction)) {
            kafka.send(RedactionLedger.TOPIC, key, null, EventJson.toBytes(new RedactionLedger.Mark(redactedAt)));
        }

        OrderEvent old = order(SHOP, 8_800_101L, CUSTOMER, BOOKING, null); // created 2026-11-20, before
        publish(EventType.ORDER_CREATED, "redacted-replay", old);
        publish(EventType.ORDER_UPDATED, "redacted-update", old);
        publish(EventType.ORDER_CANCELLED, "redacted-cancel", old);
        BookingEvent step = new BookingEvent("ib_redacted_1", BookingChannel.INSTANT, SHOP,
                new Customer(CUSTOMER, "C88001@Example.com", "C", "D", null, null), null, null, null, null, List.of(),
                OffsetDateTime.now());
        kafka.send(Topics.CUSTOMER_EVENTS, EventKeys.bookingKey(step), new CloudEvent("ib_redacted_1/completed",
                EventType.BOOKING_COMPLETED, "/test", null, OffsetDateTime.now()).toHeaders(), EventJson.toBytes(step));

        OrderEvent fresh = new OrderEvent(SHOP, 8_800_102L, "#8800102", null, old.customer(), old.lineItems(),
                List.of(), OffsetDateTime.now(), null, null);
        publish(EventType.ORDER_CREATED, "after-redaction", fresh);

        // The new booking's tag is the only call about the person; the others, published before it, were dropped.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> shopify().verify(exactly(1),
                mutationOn(SHOP, "tagsAdd", GID)));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            shopify().verify(exactly(1), mutationOn(SHOP, "tagsAdd", GID));
            shopify().verify(exactly(0), mutationOn(SHOP, "tagsRemove", GID));
        });
    }
}
