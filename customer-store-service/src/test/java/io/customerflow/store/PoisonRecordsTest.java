package io.customerflow.store;


import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.PoisonRecords;
import io.customerflow.store.messaging.Channels;
import io.quarkus.test.junit.QuarkusTest;

/** Records that break the contract are dead-lettered one by one; the good booking in the same poll is stored. */
@QuarkusTest
class PoisonRecordsTest extends StoreTestBase {

    @Test
    void everyPoisonIsDeadLetteredAndTheGoodBookingAfterThemStored() {
        List<PoisonRecords.Poison> poisons = new ArrayList<>();
        for (EventType type : List.of(EventType.BOOKING_CONFIRMED, EventType.BOOKING_CANCELLED,
                EventType.CUSTOMER_REDACT_REQUESTED, EventType.SHOP_REDACT_REQUESTED, EventType.APP_UNINSTALLED)) {
            poisons.addAll(PoisonRecords.of(type, "store-poison-" + type.name().toLowerCase()));
        }
        String shop = "after-poison.myshopify.com";
        var good = booking(shop, "ib_after_poison", BookingChannel.INSTANT, "p@example.com", "P", "Q", null, null,
                OffsetDateTime.now());
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            for (PoisonRecords.Poison p : poisons) {
                kafka.send(Topics.CUSTOMER_EVENTS, io.customerflow.events.EventKeys.bookingKey(good), p.headers(),
                        p.value());
            }
            confirm(good);
            awaitCustomers(shop, page -> total(page) == 1);
            var dead = dlq.await(poisons.size(), r -> CloudEvent.header(r.headers(), "ce_id").startsWith("store-poison-"),
                    Duration.ofSeconds(30));
            PoisonRecords.assertEachDeadLettered(poisons, dead);
        }
    }
}
