package io.customerflow.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.customerflow.events.testing.EventSchemas;
import io.customerflow.events.testing.PoisonRecords;

/** Every consumer reads through {@link EventRecord#read}: what breaks the contract never gets past it. */
class PoisonTest {

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyPoisonIsRefusedWithAReasonThatNamesNoValue(EventType type) {
        var poisons = PoisonRecords.of(type, "p");
        assertTrue(poisons.size() >= 6, "poisons of " + type + ": " + poisons.size());
        for (PoisonRecords.Poison p : poisons) {
            var e = assertThrows(InvalidEventException.class, () -> EventRecord.read(record(p.headers(), p.value())),
                    type + " " + p.what());
            assertFalse(e.getMessage().contains("@example.com"), "the reason names a value: " + e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void theGoldenSampleIsRead(EventType type) {
        var sample = PoisonRecords.of(type, "p").get(0).headers();
        sample.remove(CloudEvent.TYPE);
        sample.add(CloudEvent.TYPE, type.ceType().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        EventRecord<?> read = EventRecord.read(record(sample, EventSchemas.sample(type)));
        assertTrue(type.dataClass().isInstance(read.data()));
    }

    @org.junit.jupiter.api.Test
    void aFieldANewerProducerAddedIsNoPoison() throws Exception {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) EventJson.mapper()
                .readTree(EventSchemas.sample(EventType.BOOKING_CONFIRMED));
        tree.put("addedLater", "x");
        var headers = new CloudEvent("id-1", EventType.BOOKING_CONFIRMED, "/t", null, java.time.OffsetDateTime.now())
                .toHeaders();
        EventRecord.read(record(headers, EventJson.toBytes(tree)));
    }

    private static ConsumerRecord<String, byte[]> record(org.apache.kafka.common.header.Headers headers, byte[] value) {
        return new ConsumerRecord<>("t", 0, 0L, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0,
                "k", value, headers, java.util.Optional.empty());
    }
}
