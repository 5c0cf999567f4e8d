package io.customerflow.ingest;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** ingest keeps each installed shop of the app subscribed to the webhooks it reads (docs/SHOPS.md). */
@QuarkusTest
@TestProfile(SubscriptionsProfile.class)
class WebhookSubscriptionsTest extends IngestTestBase {

    /**
     * An installed shop is subscribed to the topics ingest reads; what Shopify drops after failed deliveries, or what
     * delivers to an old address, is put right on the next round, without a second subscription of any topic.
     */
    @Test
    void anInstalledShopIsSubscribedAndWhatShopifyDroppedIsRestored() {
        String shop = "subscribed-salon.myshopify.com";
        double created = metric("ingest_subscriptions_repairs_total", "action=\"created\"");
        double updated = metric("ingest_subscriptions_repairs_total", "action=\"updated\"");
        ShopInstallTest.install(shop).statusCode(200);
        String uri = InstallProfile.SUBSCRIPTIONS_URI;
        List<String> kept = List.of("APP_UNINSTALLED " + uri + " JSON", "ORDERS_CANCELLED " + uri + " JSON",
                "ORDERS_CREATE " + uri + " JSON", "ORDERS_UPDATED " + uri + " JSON");
        await().atMost(Duration.ofSeconds(30)).until(() -> InstallProfile.shopify.subscriptions(shop).equals(kept));

        InstallProfile.shopify.dropSubscription(shop, "ORDERS_CREATE");
        InstallProfile.shopify.redirectSubscription(shop, "APP_UNINSTALLED", "https://old.example.com/webhooks/shopify");
        // The repairs are counted once Shopify answered: after the stand-in holds them.
        await().atMost(Duration.ofSeconds(30)).until(() -> InstallProfile.shopify.subscriptions(shop).equals(kept)
                && metric("ingest_subscriptions_repairs_total", "action=\"created\"") >= created + 5
                && metric("ingest_subscriptions_repairs_total", "action=\"updated\"") >= updated + 1);
    }

}
