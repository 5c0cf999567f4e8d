package io.customerflow.ingest.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What a shop's subscriptions need, and where Shopify is told to deliver. */
class SubscriptionPlanTest {

    static final String URI = "https://ingest.example.com/webhooks/shopify";
    static final List<String> TOPICS = List.of("orders/create", "orders/updated", "app/uninstalled");

    static SubscriptionPlan.Existing sub(String id, String topic, String uri, String format, String version) {
        return new SubscriptionPlan.Existing(id, topic, uri, format, version);
    }

    @Test
    void aNewShopGetsEveryTopicAndAKeptOneNothing() {
        assertEquals(List.of("ORDERS_CREATE", "ORDERS_UPDATED", "APP_UNINSTALLED"),
                SubscriptionPlan.of(TOPICS, URI, "2026-10", List.of()).create());
        SubscriptionPlan kept = SubscriptionPlan.of(TOPICS, URI, "2026-10", List.of(
                sub("1", "ORDERS_CREATE", URI, "JSON", "2026-10"), sub("2", "ORDERS_UPDATED", URI, "JSON", "2026-10"),
                sub("3", "APP_UNINSTALLED", URI, "JSON", "2026-10"), sub("4", "PRODUCTS_UPDATE", URI, "JSON", "2026-10")));
        assertTrue(!kept.needsRepair(), "a topic ingest doesn't keep is left alone");
    }

    @Test
    void whatShopifyDroppedIsCreatedAndWhatPointsElsewhereIsCorrectedOnce() {
        var old = sub("2", "ORDERS_UPDATED", "https://old.example.com/webhooks/shopify", "JSON", "2026-10");
        var xml = sub("3", "APP_UNINSTALLED", URI, "XML", "2026-10");
        var alsoOld = sub("5", "APP_UNINSTALLED", "https://older.example.com/hooks", "JSON", "2026-10");
        SubscriptionPlan plan = SubscriptionPlan.of(TOPICS, URI, "2026-10", List.of(old, xml, alsoOld));
        assertEquals(List.of("ORDERS_CREATE"), plan.create());
        assertEquals(List.of(old, xml), plan.update(), "the first of a topic's subscriptions, never two of one topic");
    }

    @Test
    void aSubscriptionOnAnotherApiVersionIsReportedNotChanged() {
        var other = sub("1", "ORDERS_CREATE", URI, "JSON", "2025-07");
        SubscriptionPlan plan = SubscriptionPlan.of(List.of("orders/create"), URI, "2026-10", List.of(other));
        assertEquals(List.of(other), plan.otherVersion());
        assertTrue(!plan.needsRepair());
    }

    @Test
    void shopifyDeliversOverHttpsOnly() {
        assertEquals(Optional.of(URI), SubscriptionKeeper.deliveryUri(Optional.of(URI), Optional.empty()));
        assertEquals(Optional.of("https://ingest.example.com:8443/webhooks/shopify"), SubscriptionKeeper.deliveryUri(
                Optional.empty(), Optional.of("https://ingest.example.com:8443/shopify/callback")));
        assertEquals(Optional.empty(), SubscriptionKeeper.deliveryUri(Optional.empty(),
                Optional.of("http://127.0.0.1:8080/shopify/callback")), "a local run on plain HTTP keeps nothing");
        var e = assertThrows(IllegalStateException.class, () -> SubscriptionKeeper.deliveryUri(
                Optional.of("http://ingest.example.com/webhooks/shopify"), Optional.empty()));
        assertTrue(e.getMessage().startsWith("ingest.subscriptions.callback-url must be an absolute HTTPS URL"),
                e.getMessage());
    }
}
