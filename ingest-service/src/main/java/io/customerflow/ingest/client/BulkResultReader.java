package io.customerflow.ingest.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.ingest.service.BadPayloadException;

/**
 * Reads a bulk operation's JSONL result as whole orders, one at a time, never the file at once. An order is a line
 * without {@code __parentId}; its line items are the lines after it whose {@code __parentId} is its gid (the query
 * asks Shopify to group them so). An order is whole when the next order's line begins, so each one read comes with
 * the byte offset where the next begins: the checkpoint a restart reads on from.
 */
public final class BulkResultReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One order of the result, and the offset just past it. */
    public record Read(ShopifyOrdersClient.Entry entry, long endOffset) {
    }

    /** The result breaks its own shape: a line item away from its order, or a line that is not JSON. */
    public static final class MalformedResult extends IOException {
        private final String reason;

        public MalformedResult(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** A fixed reason word: {@code ungrouped_result} or {@code malformed_result}. */
        public String reason() {
            return reason;
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long position;
    private ObjectNode pending;

    /** {@code in} starts at byte {@code position} of the result, which must be the start of an order's line. */
    public BulkResultReader(InputStream in, long position, int maxLineBytes) {
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.position = position;
        this.maxLineBytes = maxLineBytes;
    }

    /** Skips to byte {@code offset} (a server that ignored the range sent the file from its start). */
    public void skipTo(long offset) throws IOException {
        while (position < offset) {
            long skipped = in.skip(offset - position);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new MalformedResult("malformed_result", "the result ends before the checkpoint");
                }
                skipped = 1;
            }
            position += skipped;
        }
    }

    /** The next whole order, or null at the end of the result. */
    public Read next() throws IOException {
        while (true) {
            long start = position;
            byte[] bytes = readLine();
            if (bytes == null) {
                Read last = pending == null ? null : close(position);
                pending = null;
                return last;
            }
            if (bytes.length == 0) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(bytes);
            } catch (IOException e) {
                throw new MalformedResult("malformed_result", "line at byte " + start + " is not JSON");
            }
            if (!node.isObject()) {
                throw new MalformedResult("malformed_result", "line at byte " + start + " is not an object");
            }
            ObjectNode object = (ObjectNode) node;
            JsonNode parent = object.remove("__parentId");
            if (parent != null) {
                if (pending == null || !parent.asText().equals(pending.path("id").asText())) {
                    // Its order was already read (and maybe published without it): nothing here can be trusted.
                    throw new MalformedResult("ungrouped_result", "a line item at byte " + start
                            + " is not next to its order");
                }
                ((ArrayNode) pending.path("lineItems").path("nodes")).add(object);
                continue;
            }
            Read done = pending == null ? null : close(start);
            pending = object;
            object.putObject("lineItems").putArray("nodes");
            if (done != null) {
                return done;
            }
        }
    }

    private Read close(long end) {
        String gid = pending.path("id").asText("?");
        try {
            return new Read(new ShopifyOrdersClient.Entry(gid, GraphqlOrders.order(pending), null, false), end);
        } catch (BadPayloadException e) {
            return new Read(new ShopifyOrdersClient.Entry(gid, null, e.getMessage(), false), end);
        }
    }

    /** The next line without its newline; null at the end. */
    private byte[] readLine() throws IOException {
        line.reset();
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            position++;
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() >= maxLineBytes) {
                throw new MalformedResult("malformed_result", "a line longer than " + maxLineBytes + " bytes");
            }
            line.write(b);
        }
        return any ? line.toByteArray() : null;
    }
}
