package io.customerflow.infra;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/** The demo shops' bookings from before install, as the stand-in lists them to a backfill (GraphQL Order nodes). */
final class PastOrders {

    static final int COUNT = 3;

    private PastOrders() {
    }

    /** The same as a bulk operation's JSONL result: each order's line, then its line items' lines. */
    static String jsonl() {
        StringBuilder lines = new StringBuilder();
        try {
            for (com.fasterxml.jackson.databind.JsonNode order : new ObjectMapper().readTree(json())) {
                com.fasterxml.jackson.databind.node.ObjectNode root = order.deepCopy();
                com.fasterxml.jackson.databind.JsonNode items = root.remove("lineItems");
                lines.append(root).append('\n');
                for (com.fasterxml.jackson.databind.JsonNode item : items.path("nodes")) {
                    lines.append(((com.fasterxml.jackson.databind.node.ObjectNode) item.deepCopy())
                            .put("__parentId", order.path("id").asText())).append('\n');
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return lines.toString();
    }

    static String json() {
        ObjectMapper json = new ObjectMapper();
        ArrayNode nodes = json.createArrayNode();
        OffsetDateTime first = OffsetDateTime.of(2026, 3, 2, 10, 0, 0, 0, ZoneOffset.UTC);
        for (int i = 0; i < COUNT; i++) {
            OffsetDateTime created = first.plusDays(30L * i);
            nodes.add(ShopifyAdminStandIn.order(9_000_001 + i, 9_100_001 + i, "past.customer" + (i + 1) + "@example.com",
                    created, created.plusHours(1), null));
        }
        return nodes.toString();
    }
}
