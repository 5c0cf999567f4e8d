package io.customerflow.store;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.Customer;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.events.testing.EventSchemas;
import io.customerflow.infra.InfraTestResource;
import io.customerflow.infra.KafkaTestClient;
import io.customerflow.infra.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** Real Kafka and PostgreSQL; events produced the way ingest produces them, effects read through the API. */
@QuarkusTestResource(value = InfraTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "true"))
abstract class StoreTestBase {

    static final String TOKEN = "test-store-token";
    static KafkaTestClient kafka;

    @BeforeAll
    static void kafka() {
        kafka = new KafkaTestClient(TestInfrastructure.kafka());
    }

    static RequestSpecification api() {
        return RestAssured.given().header("Authorization", "Bearer " + TOKEN);
    }

    /** Sends data as an event of the given type, after checking it against the contract's schema. */
    static void send(EventType type, String ceId, String key, Object data) {
        byte[] value = EventJson.toBytes(data);
        EventSchemas.assertValid(type, value);
        var ce = new CloudEvent(ceId, type, "/test", null, OffsetDateTime.now());
        kafka.send(Topics.CUSTOMER_EVENTS, key, ce.toHeaders(), value);
    }

    static BookingEvent booking(String shop, String bookingId, BookingChannel channel, String email, String first,
            String last, Long shopifyId, Long orderId, OffsetDateTime at) {
        return new BookingEvent(bookingId, channel, shop, new Customer(shopifyId, email, first, last, null, null),
                orderId == null ? null : new BookingEvent.OrderRef(orderId, "#" + orderId, 1L), null,
                null, null, List.of(), at);
    }

    static void confirm(BookingEvent b) {
        send(EventType.BOOKING_CONFIRMED, b.bookingId(), EventKeys.bookingKey(b), b);
    }

    /**
     * Confirms the bookings one after the other, each once its customer is listed, so customers are listed (by id)
     * in this order: polls of different customers may apply side by side, so their rows may be made in any order.
     */
    static void confirmInTurn(BookingEvent... bookings) {
        for (BookingEvent b : bookings) {
            confirm(b);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> total(customers(b.shop(), "email=" + b.customer().email())) == 1);
        }
    }

    static JsonPath customers(String shop, String query) {
        return api().get("/v1/customers?shop=" + shop + (query.isEmpty() ? "" : "&" + query))
                .then().statusCode(200).extract().jsonPath();
    }

    /** Polls the customer list until the predicate holds (effects are asynchronous). */
    static JsonPath awaitCustomers(String shop, Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> condition.test(last[0] = customers(shop, "size=200")));
        return last[0];
    }

    static int total(JsonPath page) {
        return page.getInt("total");
    }
}
