package io.customerflow.klaviyo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventType;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Historical (backfilled) booking steps are recorded in Klaviyo without firing the merchant's flows: only through bulk
 * create jobs, each event with {@code backfill: true}; live steps next to them keep their single creates.
 */
@QuarkusTest
class BackfillTest extends KlaviyoTestBase {

    @Test
    void historicalBookingsGoOnlyInBulkJobsWithBackfillTrue() {
        for (int i = 0; i < 3; i++) {
            BookingEvent past = instant("downtown-salon.myshopify.com", "ib_past" + i, "past" + i + "@example.com",
                    "Past", "Customer").asHistorical();
            publish(EventType.BOOKING_CONFIRMED, "ib_past" + i, past);
        }
        BookingEvent live = instant("downtown-salon.myshopify.com", "ib_live", "live@example.com", "Live", "Customer");
        publish(EventType.BOOKING_CONFIRMED, "ib_live", live);

        await().atMost(Duration.ofSeconds(20)).until(() -> sentEvents().size() == 4);
        List<SentEvent> sent = sentEvents();
        Set<String> inBulk = sent.stream().filter(e -> e.request().getUrl().equals(BULK)).map(SentEvent::uniqueId)
                .collect(Collectors.toSet());
        // Every historical step in a bulk job. The live one may join a job too when the account's single creates
        // would wait (klaviyo.delivery.bulk-when-singles-wait; earlier tests of this JVM may have filled the window),
        // but never with backfill: true (below).
        assertTrue(inBulk.containsAll(Set.of("ib_past0", "ib_past1", "ib_past2")), "every historical step in a bulk job: "
                + inBulk);
        for (SentEvent e : sent) {
            boolean historical = e.uniqueId().startsWith("ib_past");
            assertEquals(historical, e.attributes().path("backfill").asBoolean(false), e.uniqueId());
        }
        List<String> singles = requests(EVENTS).stream()
                .map(r -> readJson(r.getBodyAsString()).path("data").path("attributes").path("unique_id").asText())
                .toList();
        assertTrue(List.of("ib_live").containsAll(singles), "only the live step as a single create (which may fire"
                + " flows): " + singles);
        requests(BULK).forEach(r -> KlaviyoSpec.assertValid(KlaviyoSpec.BULK_CREATE_EVENTS, r.getBodyAsString()));
        assertTrue(requests(BULK).size() >= 1);
    }
}
