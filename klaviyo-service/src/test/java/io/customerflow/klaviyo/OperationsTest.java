package io.customerflow.klaviyo;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.customerflow.events.CloudEvent;
import io.customerflow.events.Topics;
import io.customerflow.klaviyo.messaging.Channels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** What operators rely on: health with the Kafka check, Prometheus metrics, OpenAPI. */
@QuarkusTest
class OperationsTest extends KlaviyoTestBase {

    @Test
    void healthChecksKafkaAndTheChannel() {
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", org.hamcrest.Matchers.is("UP"))
                .body(containsString("Kafka connection health check"))
                .body(containsString(Channels.CUSTOMER_EVENTS_IN));
        RestAssured.get("/q/health/live").then().statusCode(200);
    }

    @Test
    void metricsCountDeadLettersByReasonAndExposeKafkaConsumption() {
        double before = metric("dead_letters_total", "consumer=\"klaviyo\"", "reason=\"invalid_event\"");
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            RecordHeaders unknownType = new RecordHeaders();
            unknownType.add("ce_id", "ops-broken-1".getBytes());
            unknownType.add("ce_type", "com.example.unknown".getBytes());
            kafka.send(Topics.CUSTOMER_EVENTS, "k", unknownType, "{}".getBytes());
            assertEquals(1, dlq.await(1, r -> "ops-broken-1".equals(CloudEvent.header(r.headers(), "ce_id")),
                    Duration.ofSeconds(30)).size());
        }
        assertEquals(1.0, metric("dead_letters_total", "consumer=\"klaviyo\"", "reason=\"invalid_event\"") - before);

        String metrics = scrape();
        assertTrue(metrics.matches("(?s).*\nkafka_consumer_fetch_manager_records_consumed_total\\{[^}]*"
                + "client_id=\"kafka-consumer-" + Channels.CUSTOMER_EVENTS_IN + "\"[^}]*} [1-9].*"), "Kafka consumer metrics");
        assertTrue(metrics.contains("\nkafka_consumer_fetch_manager_records_lag_max{"), "consumer lag");
    }

    @Test
    void openApiIsServed() {
        RestAssured.get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("\"openapi\""))
                .body(containsString("customer-flow klaviyo-service"));
    }

    /** The Prometheus text format, as Prometheus asks for it without OpenMetrics. */
    static String scrape() {
        return RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain")).extract().asString();
    }

    /** The sum of a metric's series that carry all the labels (0 when none does yet). */
    static double metric(String name, String... labels) {
        return scrape().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
