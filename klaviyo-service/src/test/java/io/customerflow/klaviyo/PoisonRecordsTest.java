package io.customerflow.klaviyo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.PoisonRecords;
import io.customerflow.klaviyo.messaging.Channels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Records that break the contract, on the topic klaviyo-service reads: each is dead-lettered with
 * {@code invalid_event} and the reason, none stops the stream, and the good booking after them is delivered.
 */
@QuarkusTest
class PoisonRecordsTest extends KlaviyoTestBase {

    @Test
    void everyPoisonIsDeadLetteredAndTheNextGoodBookingIsDelivered() {
        List<PoisonRecords.Poison> poisons = new ArrayList<>();
        for (EventType type : List.of(EventType.BOOKING_CONFIRMED, EventType.BOOKING_COMPLETED,
                EventType.CUSTOMER_REDACT_REQUESTED, EventType.SHOP_REDACT_REQUESTED)) {
            poisons.addAll(PoisonRecords.of(type, "poison-" + type.name().toLowerCase()));
        }
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            // One key: every poison lands on the partition of the good booking that follows them.
            String key = "downtown-salon.myshopify.com|after.poison@example.com";
            for (PoisonRecords.Poison p : poisons) {
                kafka.send(Topics.CUSTOMER_EVENTS, key, p.headers(), p.value());
            }
            publish(EventType.BOOKING_CONFIRMED, "ib_after_poison", instant("downtown-salon.myshopify.com",
                    "ib_after_poison", "after.poison@example.com", "After", "Poison"));

            await().atMost(Duration.ofSeconds(30)).until(() -> sentEvents().stream()
                    .anyMatch(e -> "ib_after_poison".equals(e.bookingId())));
            var dead = dlq.await(poisons.size(), r -> CloudEvent.header(r.headers(), "ce_id").startsWith("poison-"),
                    Duration.ofSeconds(30));
            PoisonRecords.assertEachDeadLettered(poisons, dead);
        }
        assertTrue(sentEvents().stream().noneMatch(e -> e.bookingId() != null && e.bookingId().startsWith("poison")));
        RestAssured.get("/q/health/ready").then().statusCode(200);
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("dead_letters_total{") && l.contains("invalid_event")
                && !l.endsWith(" 0.0")), "invalid_event counted");
    }
}
