package io.customerflow.store;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** What operators rely on: health with the Kafka and database checks, Prometheus metrics, OpenAPI. */
@QuarkusTest
class OperationsTest extends StoreTestBase {

    @Test
    void readinessChecksKafkaAndTheDatabase() {
        JsonPath ready = RestAssured.get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", ready.getString("status"));
        List<Map<String, Object>> checks = ready.getList("checks");
        assertTrue(checks.stream().anyMatch(c -> "Kafka connection health check".equals(c.get("name"))
                && "UP".equals(c.get("status"))), checks.toString());
        assertTrue(checks.stream().anyMatch(c -> String.valueOf(c.get("name")).contains("PostgreSQL")
                && "UP".equals(c.get("status"))), "the reactive datasource is checked: " + checks);
        RestAssured.get("/q/health/live").then().statusCode(200);
    }

    @Test
    void metricsCountAppliedEventsDeadLettersAndKafkaConsumption() {
        String shop = "ops-metrics.myshopify.com";
        confirm(booking(shop, "ib_ops_1", BookingChannel.INSTANT, "ops@example.com", "O", "P", null, null,
                OffsetDateTime.now()));
        awaitCustomers(shop, p -> total(p) == 1);

        String metrics = RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain")).extract().asString();
        assertTrue(metrics.matches("(?s).*\nstore_events_total\\{[^}]*outcome=\"applied\"[^}]*type=\"booking_confirmed\""
                + "[^}]*} [1-9].*"), "applied events counted by type and outcome");
        for (String reason : List.of("invalid_event", "permanent_sql", "unexpected")) {
            assertTrue(metrics.matches("(?s).*\ndead_letters_total\\{[^}]*consumer=\"customer-store\"[^}]*reason=\""
                    + reason + "\"[^}]*} .*"),
                    "dead letters exported by reason, zero included: " + reason);
        }
        assertTrue(metrics.matches("(?s).*\nkafka_consumer_fetch_manager_records_consumed_total\\{[^}]*"
                + "client_id=\"kafka-consumer-customer-events-in\"[^}]*} [1-9].*"), "Kafka consumer metrics of the channel");
        // Per-partition records_lag appears once Micrometer re-reads the client's metrics after assignment (a
        // minute); the client-wide maximum is there from the start.
        assertTrue(metrics.contains("\nkafka_consumer_fetch_manager_records_lag_max{"), "consumer lag");
    }

    @Test
    void openApiDocumentsTheQueryApi() {
        RestAssured.get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("\"/v1/customers\""))
                .body(containsString("\"/v1/customers/{id}\""))
                .body(containsString("\"/v1/reports/bookings\""))
                .body(containsString("\"/v1/segments/booked-customers\""))
                .body(containsString("\"/v1/data-requests\""));
    }
}
