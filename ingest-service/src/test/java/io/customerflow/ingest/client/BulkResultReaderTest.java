package io.customerflow.ingest.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A bulk result read as whole orders: line items joined to their order, offsets to resume from, hostile files. */
class BulkResultReaderTest {

    private static final String ORDER_1 = order(1);
    private static final String ITEM_11 = item(11, 1);
    private static final String ITEM_12 = item(12, 1);
    private static final String ORDER_2 = order(2);
    private static final String ITEM_21 = item(21, 2);

    @Test
    void eachOrderComesWithItsLineItemsAndTheOffsetOfTheNext() throws IOException {
        String file = lines(ORDER_1, ITEM_11, ITEM_12, ORDER_2, ITEM_21);
        BulkResultReader reader = reader(file, 0);

        BulkResultReader.Read first = reader.next();
        assertEquals(2, first.entry().order().lineItems().size());
        assertEquals(1L, first.entry().order().id());
        assertEquals(lines(ORDER_1, ITEM_11, ITEM_12).length(), first.endOffset(), "where order 2's line begins");
        BulkResultReader.Read second = reader.next();
        assertEquals(2L, second.entry().order().id());
        assertEquals(21L, second.entry().order().lineItems().get(0).id());
        assertEquals(file.length(), second.endOffset());
        assertNull(reader.next());
    }

    @Test
    void aReadResumedAtAnOffsetStartsWithTheNextOrder() throws IOException {
        String file = lines(ORDER_1, ITEM_11, ORDER_2, ITEM_21);
        long offset = lines(ORDER_1, ITEM_11).length();
        // A server that ignored the range: the whole file, skipped to the offset.
        BulkResultReader whole = reader(file, 0);
        whole.skipTo(offset);
        assertEquals(2L, whole.next().entry().order().id());
        // A server that honoured it: the rest only.
        BulkResultReader rest = reader(file.substring((int) offset), offset);
        BulkResultReader.Read read = rest.next();
        assertEquals(2L, read.entry().order().id());
        assertEquals(file.length(), read.endOffset());
    }

    @Test
    void aLineItemAwayFromItsOrderMakesTheResultUntrusted() throws IOException {
        BulkResultReader reader = reader(lines(ORDER_1, ORDER_2, ITEM_11, ITEM_21), 0);
        reader.next(); // order 1, without its line item so far
        BulkResultReader.MalformedResult e = assertThrows(BulkResultReader.MalformedResult.class, reader::next);
        assertEquals("ungrouped_result", e.reason());
    }

    @Test
    void aLineItemBeforeAnyOrderIsUntrustedToo() {
        BulkResultReader reader = reader(lines(ITEM_11, ORDER_1), 0);
        assertEquals("ungrouped_result", assertThrows(BulkResultReader.MalformedResult.class, reader::next).reason());
    }

    @Test
    void aLineThatIsNotJsonOrTooLongEndsTheRead() {
        BulkResultReader cut = reader(lines(ORDER_1) + "{\"id\": \"gid://shopify/Ord", 0);
        assertEquals("malformed_result", assertThrows(BulkResultReader.MalformedResult.class, () -> {
            cut.next();
            cut.next();
        }).reason());
        BulkResultReader huge = new BulkResultReader(new ByteArrayInputStream(("{\"id\": \"" + "x".repeat(5000)
                + "\"}\n").getBytes(StandardCharsets.UTF_8)), 0, 1024);
        assertEquals("malformed_result", assertThrows(BulkResultReader.MalformedResult.class, huge::next).reason());
    }

    @Test
    void anOrderWithoutItsTimesIsSkippedNotFatal() throws IOException {
        BulkResultReader reader = reader(lines("{\"id\": \"gid://shopify/Order/3\"}", ORDER_2, ITEM_21), 0);
        BulkResultReader.Read bad = reader.next();
        assertNull(bad.entry().order());
        assertTrue(bad.entry().problem().contains("updatedAt"));
        assertEquals(2L, reader.next().entry().order().id());
    }

    @Test
    void onlyAddressesUnderAConfiguredPrefixAreFetched() {
        List<String> prefixes = List.of("https://storage.googleapis.com/");
        assertTrue(BulkOrdersClient.trusted("https://storage.googleapis.com/shopify/abc.jsonl?X-Goog-Signature=1",
                prefixes));
        assertFalse(BulkOrdersClient.trusted("https://storage.googleapis.com.evil.example/a.jsonl", prefixes));
        assertFalse(BulkOrdersClient.trusted("https://storage.googleapis.com@evil.example/a.jsonl", prefixes));
        assertFalse(BulkOrdersClient.trusted("http://169.254.169.254/latest/meta-data", prefixes));
        assertFalse(BulkOrdersClient.trusted("not a url", prefixes));
        assertFalse(BulkOrdersClient.trusted("https://storage.googleapis.com/a", List.of("")));
    }

    private static BulkResultReader reader(String file, long position) {
        return new BulkResultReader(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), position,
                1 << 20);
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    private static String order(long id) {
        return "{\"id\": \"gid://shopify/Order/" + id + "\", \"name\": \"#" + id + "\", \"createdAt\": "
                + "\"2026-03-01T10:00:00Z\", \"updatedAt\": \"2026-03-01T10:05:00Z\", \"cancelledAt\": null, "
                + "\"tags\": [], \"currencyCode\": \"USD\"}";
    }

    private static String item(long id, long order) {
        return "{\"id\": \"gid://shopify/LineItem/" + id + "\", \"quantity\": 1, \"title\": \"Massage\", "
                + "\"product\": {\"id\": \"gid://shopify/Product/803\", \"tags\": [\"sesami-service\"]}, "
                + "\"customAttributes\": [], \"__parentId\": \"gid://shopify/Order/" + order + "\"}";
    }
}
