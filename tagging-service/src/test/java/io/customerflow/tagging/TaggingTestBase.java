package io.customerflow.tagging;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;

import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.events.Property;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.EventSchemas;
import io.customerflow.infra.InfraTestResource;
import io.customerflow.infra.KafkaTestClient;
import io.customerflow.infra.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;

/** Real Kafka in, a WireMock Shopify out; order events shaped like ingest's. */
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(ShopifyStubResource.class)
abstract class TaggingTestBase {

    static final String VERSION = "2026-10";
    static KafkaTestClient kafka;

    @Inject
    MeterRegistry metrics;

    @BeforeAll
    static void kafka() {
        kafka = new KafkaTestClient(TestInfrastructure.kafka());
    }

    @BeforeEach
    void resetShopify() {
        shopify().resetAll();
    }

    static WireMockServer shopify() {
        return ShopifyStubResource.server;
    }

    static String endpoint(String shop) {
        return "/" + shop + "/admin/api/" + VERSION + "/graphql.json";
    }

    static String cost(double available, double restoreRate) {
        return cost(10, available, restoreRate);
    }

    static String cost(int requested, double available, double restoreRate) {
        return "\"extensions\": {\"cost\": {\"requestedQueryCost\": " + requested + ", \"actualQueryCost\": "
                + requested + ", \"throttleStatus\": {\"maximumAvailable\": 1000.0, \"currentlyAvailable\": "
                + available + ", \"restoreRate\": " + restoreRate + "}}}";
    }

    /** Shopify's answer when the bucket can't hold the query. */
    static String throttled(int requested, double available, double restoreRate) {
        return "{\"errors\": [{\"message\": \"Throttled\", \"extensions\": {\"code\": \"THROTTLED\","
                + " \"documentation\": \"https://shopify.dev/api/usage/rate-limits\"}}], "
                + cost(requested, available, restoreRate) + "}";
    }

    /** The exact GraphQL body of a tagsAdd or tagsRemove. */
    static String mutationBody(String mutation, String gid, String... tags) {
        return "{\"query\": \"mutation " + mutation + "($id: ID!, $tags: [String!]!) { " + mutation
                + "(id: $id, tags: $tags) { node { id } userErrors { field message } } }\", \"variables\": {\"id\": \""
                + gid + "\", \"tags\": [" + String.join(", ", java.util.Arrays.stream(tags).map(t -> "\"" + t + "\"")
                        .toList()) + "]}}";
    }

    /** A counter's value now (0 before its first increment). */
    double count(String name, String tag, String value) {
        var counter = metrics.find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    static String tagsAddOk(String gid) {
        return "{\"data\": {\"tagsAdd\": {\"node\": {\"id\": \"" + gid + "\"}, \"userErrors\": []}}, " + cost(990, 100) + "}";
    }

    /** Every mutation answers OK and product look-ups find no tags, unless a test stubs otherwise. */
    static void stubOk(String shop) {
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).withRequestBody(containing("tagsAdd"))
                .atPriority(10).willReturn(okJson(tagsAddOk("gid://shopify/Customer/1"))));
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).withRequestBody(containing("tagsRemove"))
                .atPriority(10).willReturn(okJson("{\"data\": {\"tagsRemove\": {\"node\": {\"id\": \"x\"},"
                        + " \"userErrors\": []}}, " + cost(990, 100) + "}")));
        shopify().stubFor(post(urlPathEqualTo(endpoint(shop))).withRequestBody(containing("productTags"))
                .atPriority(10).willReturn(okJson("{\"data\": {\"nodes\": []}, " + cost(990, 100) + "}")));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    static RequestPatternBuilder tagsAddFor(String shop) {
        return postRequestedFor(urlPathEqualTo(endpoint(shop))).withRequestBody(containing("tagsAdd"));
    }

    static RequestPatternBuilder mutationOn(String shop, String mutation, String gid) {
        return postRequestedFor(urlPathEqualTo(endpoint(shop))).withRequestBody(containing(mutation))
                .withRequestBody(matchingJsonPath("$.variables.id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(gid)));
    }

    static OrderEvent order(String shop, long orderId, Long customerId, List<Property> properties, Long productId) {
        return order(shop, orderId, customerId, properties, productId, "SKU-1");
    }

    static OrderEvent order(String shop, long orderId, Long customerId, List<Property> properties, Long productId,
            String sku) {
        Customer customer = customerId == null ? null
                : new Customer(customerId, "c" + customerId + "@example.com", "C", "D", null, "en");
        return new OrderEvent(shop, orderId, "#" + orderId, null, customer,
                List.of(new OrderLineItem(orderId * 10, productId, 1L, sku, "Service", "60 Minutes", 1, properties)),
                List.of(), OffsetDateTime.parse("2026-11-20T10:00:00Z"), null, null);
    }

    static void publish(EventType type, String ceId, OrderEvent order) {
        byte[] value = EventJson.toBytes(order);
        EventSchemas.assertValid(type, value);
        kafka.send(Topics.ORDERS, EventKeys.orderKey(order),
                new CloudEvent(ceId, type, "/test", null, OffsetDateTime.now()).toHeaders(), value);
    }

    static final List<Property> BOOKING = List.of(new Property("Duration", "60 Minutes"),
            new Property("_reservation_token", "rsv_1"));
}
