package io.customerflow.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A console command is read only in its own shape: anything else on the topic is refused with the reason. */
class ShopCommandTest {

    private static final String ID = "0b6f7f5e-3f7e-4a4e-9f0c-2d7f4c1b9a10";

    @Test
    void aBackfillAndACheckRoundTrip() {
        var at = OffsetDateTime.parse("2026-12-04T10:00:00Z");
        var backfill = new ShopCommand(ID, "demo-salon.myshopify.com", ShopCommand.BACKFILL, "ops", at,
                at.minusDays(30), null);
        assertEquals(backfill, ShopCommand.read(EventJson.toBytes(backfill)));
        var check = new ShopCommand(ID, "demo-salon.myshopify.com", ShopCommand.CHECK_SUBSCRIPTIONS, "ops", at, null,
                null);
        assertEquals(check, ShopCommand.read(EventJson.toBytes(check)));
        assertTrue(new String(EventJson.toBytes(check), StandardCharsets.UTF_8).indexOf("since") < 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "{}",
            "{\"id\":\"" + ID + "\",\"shop\":\"evil.example.com\",\"action\":\"backfill\",\"by\":\"ops\",\"at\":\"2026-12-04T10:00:00Z\",\"since\":\"2026-11-01T00:00:00Z\"}",
            "{\"id\":\"" + ID + "\",\"shop\":\"a.myshopify.com\",\"action\":\"erase-shop\",\"by\":\"ops\",\"at\":\"2026-12-04T10:00:00Z\"}",
            "{\"id\":\"" + ID + "\",\"shop\":\"a.myshopify.com\",\"action\":\"backfill\",\"by\":\"ops\",\"at\":\"2026-12-04T10:00:00Z\"}",
            "{\"id\":\"" + ID + "\",\"shop\":\"a.myshopify.com\",\"action\":\"backfill\",\"by\":\"ops\",\"at\":\"2026-12-04T10:00:00Z\",\"since\":\"2026-11-01T00:00:00Z\",\"until\":\"2026-10-01T00:00:00Z\"}",
            "{\"id\":\"x\",\"shop\":\"a.myshopify.com\",\"action\":\"check-subscriptions\",\"by\":\"ops\",\"at\":\"2026-12-04T10:00:00Z\"}",
            "{\"id\":\"" + ID + "\",\"shop\":\"a.myshopify.com\",\"action\":\"check-subscriptions\",\"by\":\"a b@c\",\"at\":\"2026-12-04T10:00:00Z\"}",
            "{\"id\":\"" + ID + "\",\"shop\":\"a.myshopify.com\",\"action\":\"check-subscriptions\",\"by\":\"ops\"}" })
    void anythingElseIsRefusedWithTheReason(String value) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ShopCommand.read(value.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }
}
