package io.customerflow.tagging;

import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.PoisonRecords;
import io.customerflow.tagging.messaging.Channels;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Records that break the contract on both topics tagging reads: each is dead-lettered with its reason, none stops
 * its channel, and the good order after them is tagged.
 */
@QuarkusTest
class PoisonRecordsTest extends TaggingTestBase {

    @Test
    void everyPoisonIsDeadLetteredAndTheNextGoodOrderTagged() {
        String shop = "downtown-salon.myshopify.com";
        stubOk(shop);
        List<PoisonRecords.Poison> onOrders = new ArrayList<>();
        for (EventType type : List.of(EventType.ORDER_CREATED, EventType.APP_UNINSTALLED)) {
            onOrders.addAll(PoisonRecords.of(type, "tag-poison-" + type.name().toLowerCase()));
        }
        List<PoisonRecords.Poison> onSteps = new ArrayList<>();
        for (EventType type : List.of(EventType.BOOKING_CONFIRMED, EventType.BOOKING_COMPLETED)) {
            onSteps.addAll(PoisonRecords.of(type, "tag-poison-" + type.name().toLowerCase()));
        }
        var good = order(shop, 7_700_001L, 77_001L, BOOKING, null);
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            for (PoisonRecords.Poison p : onOrders) {
                kafka.send(Topics.ORDERS, EventKeys.orderKey(good), p.headers(), p.value());
            }
            for (PoisonRecords.Poison p : onSteps) {
                kafka.send(Topics.CUSTOMER_EVENTS, shop + "/c77001@example.com", p.headers(), p.value());
            }
            publish(EventType.ORDER_CREATED, "tag-after-poison", good);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> shopify().verify(moreThanOrExactly(1),
                    mutationOn(shop, "tagsAdd", "gid://shopify/Customer/77001")));

            int total = onOrders.size() + onSteps.size();
            var dead = dlq.await(total, r -> CloudEvent.header(r.headers(), "ce_id").startsWith("tag-poison-"),
                    Duration.ofSeconds(30));
            PoisonRecords.assertEachDeadLettered(java.util.stream.Stream.concat(onOrders.stream(), onSteps.stream())
                    .toList(), dead);
        }
    }
}
