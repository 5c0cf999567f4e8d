package io.customerflow.ingest;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** What operators rely on: health with the Kafka check, Prometheus metrics by topic and outcome, OpenAPI. */
@QuarkusTest
class OperationsTest extends IngestTestBase {

    @Test
    void healthChecksKafka() {
        RestAssured.get("/q/health/ready").then().statusCode(200).body(containsString("Kafka connection health check"))
                .body(containsString("orders-out")).body(containsString("customer-events-out"));
        RestAssured.get("/q/health/live").then().statusCode(200);
    }

    @Test
    void metricsCountWebhooksByTopicAndOutcomeAndTimePublishing() {
        webhook("orders/create", bookingOrder(9_100L)).statusCode(200);
        webhook("orders/create", bookingOrder(9_101L), "wrong-secret", "wh-metrics-forged").statusCode(401);
        webhook("inventory_levels/update", "{}".getBytes()).statusCode(200);
        awaitRecords(2);

        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.matches("(?s).*ingest_webhooks_total\\{[^}]*outcome=\"accepted\"[^}]*topic=\"orders/create\"[^}]*} [1-9].*"),
                "accepted orders/create counted");
        assertTrue(metrics.matches("(?s).*ingest_webhooks_total\\{[^}]*outcome=\"unauthorized\"[^}]*} [1-9].*"),
                "HMAC failures counted");
        assertTrue(metrics.matches("(?s).*ingest_webhooks_total\\{[^}]*outcome=\"ignored\"[^}]*topic=\"other\"[^}]*} [1-9].*"),
                "unknown topics counted, under one tag value");
        assertTrue(metrics.contains("ingest_publish_latency_seconds_bucket"), "publish latency histogram");
        assertTrue(metrics.matches("(?s).*ingest_publish_latency_seconds_count\\{[^}]*outcome=\"acknowledged\"[^}]*} [1-9].*"),
                "publish latency tagged with its outcome");
    }

    @Test
    void metricsCountInstantBookingsByActionAndOutcome() {
        String accepted = "outcome=\"accepted\"";
        double acceptedBefore = metric("ingest_instant_bookings_total", "action=\"create\"", accepted);
        double invalidBefore = metric("ingest_instant_bookings_total", "action=\"cancel\"", "outcome=\"invalid\"");
        double unauthorizedBefore = metric("ingest_instant_bookings_total", "action=\"create\"", "outcome=\"unauthorized\"");
        double acknowledgedBefore = metric("ingest_publish_latency_seconds_count", "outcome=\"acknowledged\"");

        InstantBookingTest.post("/v1/instant-bookings", InstantBookingTest.validBooking(), API_KEY, null).statusCode(202);
        InstantBookingTest.post("/v1/instant-bookings/ib_1/cancel", "{}", API_KEY, null).statusCode(400);
        InstantBookingTest.post("/v1/instant-bookings", InstantBookingTest.validBooking(), "not-a-key", null).statusCode(401);
        awaitRecords(1);

        assertEquals(1.0, metric("ingest_instant_bookings_total", "action=\"create\"", accepted) - acceptedBefore);
        assertEquals(1.0, metric("ingest_instant_bookings_total", "action=\"cancel\"", "outcome=\"invalid\"") - invalidBefore);
        assertEquals(1.0, metric("ingest_instant_bookings_total", "action=\"create\"", "outcome=\"unauthorized\"")
                - unauthorizedBefore, "rejected before the resource runs, still counted");
        assertEquals(1.0, metric("ingest_publish_latency_seconds_count", "outcome=\"acknowledged\"") - acknowledgedBefore);
    }

    @Test
    void openApiDocumentsBothEndpoints() {
        RestAssured.get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("\"/webhooks/shopify\""))
                .body(containsString("\"/v1/instant-bookings\""))
                .body(containsString("\"/v1/instant-bookings/{id}/reschedule\""))
                .body(containsString("\"/v1/instant-bookings/{id}/cancel\""));
    }
}
