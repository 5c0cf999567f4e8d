package io.customerflow.tagging;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.customerflow.events.EventType;
import io.customerflow.events.Property;
import io.quarkus.test.junit.QuarkusTest;

/** The default rules against a WireMock Shopify that checks the exact requests. */
@QuarkusTest
class TaggingFlowTest extends TaggingTestBase {

    static final String SHOP = "downtown-salon.myshopify.com";

    @Test
    void bookingOrderByPropertyGetsExactlyOneTagsAdd() {
        stubOk(SHOP);
        publish(EventType.ORDER_CREATED, "evt-prop-1", order(SHOP, 1001L, 7212345678901L, BOOKING, 55L));

        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(SHOP)).size() == 1);
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_downtown"))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("""
                        {"query": "mutation tagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }",
                         "variables": {"id": "gid://shopify/Customer/7212345678901", "tags": ["booked-appointment"]}}""")));
        assertEquals(0, shopify().findAll(postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withRequestBody(containing("productTags"))).size(), "marks found: no product look-up needed");
    }

    @Test
    void bookingOrderByProductTagLooksTagsUpOncePerProduct() {
        stubOk(SHOP);
        stubProductTags(SHOP, 8012L, "sesami-service", "spa");
        for (int i = 0; i < 100; i++) {
            publish(EventType.ORDER_CREATED, "evt-tag-" + i, order(SHOP, 2000L + i, 300L + i, List.of(), 8012L));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> shopify().findAll(tagsAddFor(SHOP)).size() == 100);
        // 100 orders of one product: one look-up, exactly this request.
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP))).withRequestBody(containing("productTags")));
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_downtown"))
                .withRequestBody(equalToJson("""
                        {"query": "query productTags($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { id tags } } }",
                         "variables": {"ids": ["gid://shopify/Product/8012"]}}""")));
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_downtown"))
                .withRequestBody(equalToJson(mutationBody("tagsAdd", "gid://shopify/Customer/304", "booked-appointment"))));
        shopify().verify(mutationOn(SHOP, "tagsAdd", "gid://shopify/Customer/304"));
    }

    @Test
    void nonBookingOrderGetsNoMutation() {
        stubOk(SHOP);
        publish(EventType.ORDER_CREATED, "evt-plain-1",
                order(SHOP, 3001L, 400L, List.of(new Property("Gift wrap", "yes")), 9999L));
        publish(EventType.ORDER_CREATED, "evt-after-plain", order(SHOP, 3002L, 401L, BOOKING, 1L));

        // Ordered per shop: once the second order is tagged, the first was fully handled.
        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(SHOP)).size() >= 1);
        assertEquals(List.of("gid://shopify/Customer/401"), shopify().findAll(tagsAddFor(SHOP)).stream()
                .map(r -> r.getBodyAsString().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1")).toList());
    }

    @Test
    void cancellationRuleRemovesTheTag() {
        stubOk(SHOP);
        publish(EventType.ORDER_CANCELLED, "evt-cancel-1", order(SHOP, 4001L, 500L, BOOKING, 1L));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                shopify().findAll(mutationOn(SHOP, "tagsRemove", "gid://shopify/Customer/500")).size() == 1);
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_downtown"))
                .withRequestBody(equalToJson(mutationBody("tagsRemove", "gid://shopify/Customer/500", "booked-appointment"))));
        assertEquals(0, shopify().findAll(tagsAddFor(SHOP)).size());
    }

    /** A booking found only by its product's tag gets the tag on creation, and loses it on cancellation. */
    @Test
    void cancellationOfABookingFoundByProductTagRemovesTheTag() {
        stubOk(SHOP);
        stubProductTags(SHOP, 8013L, "sesami-service");
        publish(EventType.ORDER_CREATED, "evt-ptag-create", order(SHOP, 4101L, 510L, List.of(), 8013L));
        publish(EventType.ORDER_CANCELLED, "evt-ptag-cancel", order(SHOP, 4101L, 510L, List.of(), 8013L));

        await().atMost(Duration.ofSeconds(20)).until(() ->
                shopify().findAll(mutationOn(SHOP, "tagsRemove", "gid://shopify/Customer/510")).size() == 1);
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_downtown"))
                .withRequestBody(equalToJson(mutationBody("tagsAdd", "gid://shopify/Customer/510", "booked-appointment"))));
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_downtown"))
                .withRequestBody(equalToJson(mutationBody("tagsRemove", "gid://shopify/Customer/510", "booked-appointment"))));
    }

    @Test
    void skuPrefixRuleTagsTheOrderItself() {
        stubOk(SHOP);
        publish(EventType.ORDER_CREATED, "evt-sku-1", order(SHOP, 820982911946154508L, 520L, List.of(), 8014L, "SVC-MASSAGE-60"));

        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(SHOP)).size() == 1);
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_downtown"))
                .withRequestBody(equalToJson(mutationBody("tagsAdd", "gid://shopify/Order/820982911946154508",
                        "service-booking"))));
    }

    @Test
    void productIdRuleTagsTheCustomerAndMergesWithOtherRules() {
        stubOk(SHOP);
        publish(EventType.ORDER_CREATED, "evt-pid-1", order(SHOP, 4301L, 530L, List.of(), 424243L));
        publish(EventType.ORDER_CREATED, "evt-pid-2", order(SHOP, 4302L, 531L, BOOKING, 424242L));

        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(SHOP)).size() == 2);
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_downtown"))
                .withRequestBody(equalToJson(mutationBody("tagsAdd", "gid://shopify/Customer/530", "gift-voucher"))));
        // Two matching rules, one customer: one mutation with both tags.
        shopify().verify(1, postRequestedFor(urlPathEqualTo(endpoint(SHOP)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_downtown"))
                .withRequestBody(equalToJson(mutationBody("tagsAdd", "gid://shopify/Customer/531", "booked-appointment",
                        "gift-voucher"))));
    }

    static void stubProductTags(String shop, long productId, String... tags) {
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).withRequestBody(containing("productTags"))
                .withRequestBody(containing("gid://shopify/Product/" + productId))
                .atPriority(1).willReturn(okJson("{\"data\": {\"nodes\": [{\"id\": \"gid://shopify/Product/" + productId
                        + "\", \"tags\": [" + String.join(", ", java.util.Arrays.stream(tags).map(t -> "\"" + t + "\"")
                                .toList()) + "]}]}, " + cost(990, 100) + "}")));
    }

    @Test
    void redeliveredEventMakesNoSecondMutation() {
        stubOk(SHOP);
        var order = order(SHOP, 5001L, 600L, BOOKING, 1L);
        publish(EventType.ORDER_CREATED, "evt-redeliver-1", order);
        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(SHOP)).size() == 1);
        publish(EventType.ORDER_CREATED, "evt-redeliver-1", order);
        publish(EventType.ORDER_CREATED, "evt-marker", order(SHOP, 5002L, 601L, BOOKING, 1L));

        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(SHOP)).size() == 2);
        assertEquals(1, shopify().findAll(mutationOn(SHOP, "tagsAdd", "gid://shopify/Customer/600")).size());
    }

    @Test
    void tagNamesArePerShop() {
        String tokyo = "tokyo-spa.myshopify.com";
        stubOk(tokyo);
        publish(EventType.ORDER_CREATED, "evt-tokyo-1", order(tokyo, 6001L, 700L, BOOKING, 1L));
        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(tokyo)).size() == 1);
        shopify().verify(postRequestedFor(urlPathEqualTo(endpoint(tokyo)))
                .withHeader("X-Shopify-Access-Token", equalTo("shpat_test_tokyo"))
                .withRequestBody(equalToJson("{\"variables\": {\"tags\": [\"予約済み\"]}}", true, true)));
    }

    @Test
    void orderWithoutCustomerIsSkipped() {
        stubOk(SHOP);
        publish(EventType.ORDER_CREATED, "evt-nocust-1", order(SHOP, 7001L, null, BOOKING, 1L));
        publish(EventType.ORDER_CREATED, "evt-nocust-marker", order(SHOP, 7002L, 800L, BOOKING, 1L));
        await().atMost(Duration.ofSeconds(20)).until(() -> shopify().findAll(tagsAddFor(SHOP)).size() == 1);
        shopify().verify(1, mutationOn(SHOP, "tagsAdd", "gid://shopify/Customer/800"));
    }
}
