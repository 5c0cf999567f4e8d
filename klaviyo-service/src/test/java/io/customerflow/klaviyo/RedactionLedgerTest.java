package io.customerflow.klaviyo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.customerflow.events.RedactionLedger;
import io.quarkus.test.junit.QuarkusTest;

/**
 * After a customers/redact, nothing about that person reaches Klaviyo again: not a replayed confirmation, not a later
 * step of an old booking. A booking made after the redaction is sent, and is the only request that names them.
 */
@QuarkusTest
class RedactionLedgerTest extends KlaviyoTestBase {

    private static final String SHOP = "downtown-salon.myshopify.com";

    @Test
    void aRedactedPersonIsNeverSentAgainButANewBookingIs() {
        OffsetDateTime redactedAt = OffsetDateTime.now().minusMinutes(1);
        RedactionLedger ledger = new RedactionLedger("test-ledger-key");
        var redaction = new CustomerRedactRequested(SHOP, null, "Gone@Example.com", List.of(), redactedAt);
        for (String key : ledger.keysOf(redaction)) {
            kafka.send(RedactionLedger.TOPIC, key, null, EventJson.toBytes(new RedactionLedger.Mark(redactedAt)));
        }
        // The redaction itself, whose marks ingest wrote first, still deletes the profile in Klaviyo.
        publish(EventType.CUSTOMER_REDACT_REQUESTED, "redact-gone", redaction);
        await().atMost(Duration.ofSeconds(20)).until(() -> requests(DELETIONS).stream()
                .anyMatch(r -> r.getBodyAsString().toLowerCase(java.util.Locale.ROOT).contains("gone@example.com")));
        int namingBefore = (int) klaviyo().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getBodyAsString().contains("gone@example.com")).count();
        BookingEvent old = instant(SHOP, "ib_gone_old", "gone@example.com", "Gone", "Person"); // booked before
        publish(EventType.BOOKING_CONFIRMED, "ib_gone_old", old);
        publish(EventType.BOOKING_COMPLETED, "ib_gone_old/completed", old);
        publish(EventType.BOOKING_NO_SHOW, "ib_gone_old/no-show", old);
        publish(EventType.BOOKING_RESCHEDULED, "ib_gone_old/rescheduled", old);
        BookingEvent fresh = new BookingEvent("ib_gone_new", old.channel(), SHOP, old.customer(), null, old.service(),
                old.appointment(), null, List.of(), OffsetDateTime.now());
        publish(EventType.BOOKING_CONFIRMED, "ib_gone_new", fresh);

        await().atMost(Duration.ofSeconds(30)).until(() -> sentEvents().stream()
                .anyMatch(e -> "ib_gone_new".equals(e.bookingId())));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> klaviyo().getAllServeEvents()
                .stream().filter(e -> e.getRequest().getBodyAsString().contains("gone@example.com")).count()
                == namingBefore + 1);
        assertEquals(List.of("ib_gone_new"), sentEvents().stream().map(SentEvent::bookingId)
                .filter(id -> id != null && id.startsWith("ib_gone")).toList());
    }
}
