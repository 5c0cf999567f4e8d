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
