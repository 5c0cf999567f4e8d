package io.customerflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.customerflow.infra.KafkaBroker;
import io.customerflow.infra.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/** No 2xx without Kafka: a stopped broker gets 503 + Retry-After within Shopify's timeout, never a hang. */
@QuarkusTest
class BrokerOutageTest extends IngestTestBase {

    @Test
    void brokerDownIs503WithRetryAfterInsideTheBoundThenAcceptedWhenBack() throws Exception {
        KafkaBroker broker = TestInfrastructure.localBroker();
        assumeTrue(broker != null, "needs the broker this JVM started (not an external or containerized one)");
        double failedBefore = metric("ingest_publish_latency_seconds_count", "outcome=\"timeout\"")
                + metric("ingest_publish_latency_seconds_count", "outcome=\"refused\"");
        tail.close();
        broker.close();
        try {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                var response = webhook("orders/create", bookingOrder(7000L + i)).extract();
                long millis = (System.nanoTime() - start) / 1_000_000;

                assertEquals(503, response.statusCode());
                assertEquals("5", response.header("Retry-After"));
                assertTrue(millis < 4000, "answered in " + millis + " ms, Shopify gives up at 5000");
            }
            double failed = metric("ingest_publish_latency_seconds_count", "outcome=\"timeout\"")
                    + metric("ingest_publish_latency_seconds_count", "outcome=\"refused\"");
            assertEquals(3.0, failed - failedBefore, "every failed publish is timed too");
            // Each took longer than the latency target (500 ms), so each shrank the admission limit by a quarter
            // (the test profile's 24 → 18 → 16), never below its floor of 16.
            assertEquals(16.0, metric("ingest_admission_limit"), "webhooks go through admission");

            // Requests arriving while 16 records (the test profile's max-in-flight) wait for the broker are shed
            // at once instead of queueing behind them: 12 webhooks at the same time, 2 records each.
            double shedBefore = metric("ingest_publish_shed_total");
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
            try {
                List<java.util.concurrent.Future<io.restassured.response.ExtractableResponse<io.restassured.response.Response>>> answers =
                        new java.util.ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    long order = 7200L + i;
                    answers.add(pool.submit(() -> webhook("orders/create", bookingOrder(order)).extract()));
                }
                int atCapacity = 0;
                for (var answer : answers) {
                    var response = answer.get();
                    assertEquals(503, response.statusCode());
                    assertEquals("5", response.header("Retry-After"));
                    atCapacity += response.asString().contains("at capacity") ? 1 : 0;
                }
                assertTrue(atCapacity >= 4, "at most 8 requests fit in 16 records: " + atCapacity + " shed");
                assertEquals(atCapacity, metric("ingest_publish_shed_total") - shedBefore, 0.0);
            } finally {
                pool.shutdownNow();
            }

        } finally {
            broker.start();
        }
        tailTopics();
        String webhookId = UUID.randomUUID().toString();
        // The producer reconnects on its own; Shopify's retry of the same delivery then succeeds.
        long deadline = System.currentTimeMillis() + 60_000;
        int status = 0;
        while (status != 200 && System.currentTimeMillis() < deadline) {
            status = webhook("orders/create", bookingOrder(7100L), SECRET, webhookId).extract().statusCode();
        }
        assertEquals(200, status);
        // A 503'd attempt may still have reached the broker late: then its record repeats with the same ce_id,
        // which every consumer collapses. What matters: both events are there, under exactly two ids.
        // (The attempts 503'd during the outage may land late too: only this order's are counted.)
        var ids = recordsWithin(java.time.Duration.ofSeconds(3)).stream().map(r -> header(r, "ce_id"))
                .filter(id -> id.contains("/7100/")).distinct().toList();
        assertEquals(2, ids.size(), "order + booking event ids: " + ids);
    }
}
