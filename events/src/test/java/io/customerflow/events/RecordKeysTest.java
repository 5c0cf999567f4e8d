package io.customerflow.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** Record keys carry no person, one customer keeps one key, and the partition is the one the readable key had. */
class RecordKeysTest {

    final RecordKeys keys = new RecordKeys("a-deployment-secret");

    @Test
    void aCustomersKeyIsHashedUnderTheSecretAndKeepsItsShop() {
        RecordKeys.Key key = keys.of("salon.myshopify.com/ada@example.com");
        assertTrue(key.wire().matches("salon\\.myshopify\\.com/k-[A-Za-z0-9_-]{22}"), key.wire());
        assertFalse(key.toString().contains("ada"), "toString is the wire form, never the basis");
        assertEquals(key.wire(), keys.of("salon.myshopify.com/ada@example.com").wire(), "one customer, one key");
        assertNotEquals(key.wire(), keys.of("salon.myshopify.com/bob@example.com").wire());
        assertNotEquals(key.wire(), keys.of("other.myshopify.com/ada@example.com").wire().replace("other", "salon"));
        assertNotEquals(key.wire(), new RecordKeys("another-secret").of("salon.myshopify.com/ada@example.com").wire(),
                "without the secret a guessed email can't be tested against a key");
    }

    @Test
    void shopWideAndAlreadyHashedKeysStayAsTheyAre() {
        assertEquals("salon.myshopify.com", keys.of("salon.myshopify.com").wire());
        String hashed = keys.of("salon.myshopify.com/customer-42").wire();
        assertEquals(hashed, keys.canonical(hashed));
        assertEquals(hashed, keys.canonical("salon.myshopify.com/customer-42"), "a readable key of before the switch");
        assertTrue(RecordKeys.isPersonFree(hashed) && RecordKeys.isPersonFree("salon.myshopify.com"));
        assertFalse(RecordKeys.isPersonFree("salon.myshopify.com/ada@example.com"));
    }

    @Test
    void theSerializerWritesTheWireFormOnly() {
        RecordKeys.Key key = keys.of("salon.myshopify.com/ada@example.com");
        try (RecordKeySerializer serializer = new RecordKeySerializer()) {
            assertArrayEquals(key.wire().getBytes(StandardCharsets.UTF_8), serializer.serialize("t", key));
            assertArrayEquals("plain".getBytes(StandardCharsets.UTF_8), serializer.serialize("t", "plain"));
        }
    }

    @Test
    void thePartitionIsTheOneKafkasDefaultPartitionerGaveTheReadableKey() {
        for (String basis : List.of("salon.myshopify.com/ada@example.com", "tokyo.myshopify.com/customer-7",
                "salon.myshopify.com/booking-ib_1", "salon.myshopify.com")) {
            byte[] readable = basis.getBytes(StandardCharsets.UTF_8);
            for (int partitions : new int[] { 1, 3, 6, 12, 64 }) {
                assertEquals(BuiltInPartitioner.partitionForKey(readable, partitions),
                        RecordKeyPartitioner.partition(readable, partitions), basis + " over " + partitions);
            }
        }
    }

    @Test
    void thePartitionerPlacesAKeyByItsBasisNotByItsWireBytes() {
        org.apache.kafka.common.Node node = new org.apache.kafka.common.Node(0, "localhost", 9092);
        List<org.apache.kafka.common.PartitionInfo> infos = java.util.stream.IntStream.range(0, 6)
                .mapToObj(p -> new org.apache.kafka.common.PartitionInfo("t", p, node, null, null)).toList();
        org.apache.kafka.common.Cluster cluster = new org.apache.kafka.common.Cluster("c", List.of(node), infos,
                java.util.Set.of(), java.util.Set.of());
        try (RecordKeyPartitioner partitioner = new RecordKeyPartitioner()) {
            for (int i = 0; i < 50; i++) {
                String basis = "salon.myshopify.com/person" + i + "@example.com";
                RecordKeys.Key key = keys.of(basis);
                assertEquals(BuiltInPartitioner.partitionForKey(basis.getBytes(StandardCharsets.UTF_8), 6),
                        partitioner.partition("t", key, key.wire().getBytes(StandardCharsets.UTF_8), null, null,
                                cluster));
            }
            byte[] plain = "salon.myshopify.com".getBytes(StandardCharsets.UTF_8);
            assertEquals(BuiltInPartitioner.partitionForKey(plain, 6),
                    partitioner.partition("t", "salon.myshopify.com", plain, null, null, cluster));
        }
    }
}
