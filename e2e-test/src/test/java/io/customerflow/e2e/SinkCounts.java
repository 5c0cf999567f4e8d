package io.customerflow.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.events.EventJson;
import io.customerflow.events.Topics;
import io.customerflow.infra.SaasStandIn;

/**
 * What reached each sink, counted from outside: the store's query API, the Shopify mutations and Klaviyo events the
 * stand-in carried out, and the dead-letter topics.
 */
final class SinkCounts {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final SaasStandIn standIn;
    private final int storePort;
    private final String storeToken;
    private final String kafka;
    private final String shop;

    SinkCounts(SaasStandIn standIn, int storePort, String kafka, String shop, String storeToken) {
        this.storeToken = storeToken;
        this.standIn = standIn;
        this.storePort = storePort;
        this.kafka = kafka;
        this.shop = shop;
    }

    /** Customers of the shop in the store (0 while the store does not answer). */
    int storeRows() {
        return get("/v1/customers?size=1&shop=" + shop).path("total").asInt();
    }

    /** The shop's booking report over the days the faults traffic books. */
    JsonNode report() {
        // Checkout orders of the faults traffic were created on 2026-11-20; instant bookings are booked today.
        return get("/v1/reports/bookings?shop=" + shop + "&from=2026-11-20&to=" + java.time.LocalDate.now().plusDays(1));
    }

    /** Customers of the given set Shopify tagged. */
    Set<Long> tagged(Set<Long> of) {
        return standIn.customersTagged().stream().map(gid -> Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1)))
                .filter(of::contains).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Distinct unique_ids Klaviyo accepted for bookings of the given orders ({@code shop/order/...}). */
    Set<String> klaviyoUniqueIds(Set<Long> orders) {
        return standIn.klaviyoUniqueIds().stream().map(id -> id.split("/"))
                .filter(parts -> parts.length > 2 && parts[1].matches("\\d+") && orders.contains(Long.parseLong(parts[1])))
                .map(parts -> String.join("/", parts)).collect(Collectors.toSet());
    }

    /** How many {@code tagsAdd} calls Shopify carried out for the given customers (repeats included). */
    int tagsAddCalls(Set<Long> of) {
        return (int) standIn.customersTagged().stream()
                .filter(gid -> of.contains(Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1)))).count();
    }

    /** The given instant booking ids among the unique_ids Klaviyo accepted. */
    Set<String> klaviyoInstant(Set<String> bookingIds) {
        return standIn.klaviyoUniqueIds().stream().filter(bookingIds::contains).collect(Collectors.toSet());
    }

    /** Dead letters of all three consumers. */
    long allDeadLetters() {
        return deadLetters("customer-store") + deadLetters("tagging") + deadLetters("klaviyo");
    }

    /** Records ever written to a consumer's dead-letter topic. */
    long deadLetters(String consumer) {
        try (var client = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = Topics.deadLetter(consumer);
            var partitions = client.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return client.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Klaviyo's published limits per endpoint, burst per second and steady per minute, over the requests since. */
    void assertWithinKlaviyosLimits(Date since) {
        for (var limit : Map.of("/klaviyo/api/events", new int[] { 350, 3500 },
                "/klaviyo/api/event-bulk-create-jobs", new int[] { 10, 150 }).entrySet()) {
            List<Long> times = standIn.server().findAll(postRequestedFor(urlPathMatching(limit.getKey()))).stream()
                    .map(r -> r.getLoggedDate().getTime()).filter(t -> t >= since.getTime()).sorted().toList();
            assertTrue(maxInWindow(times, 1000) <= limit.getValue()[0], limit.getKey() + " burst " + maxInWindow(times, 1000));
            assertTrue(maxInWindow(times, 60_000) <= limit.getValue()[1], limit.getKey() + " steady " + maxInWindow(times, 60_000));
        }
    }

    static int maxInWindow(List<Long> sortedTimes, long windowMillis) {
        int max = 0;
        for (int i = 0, j = 0; i < sortedTimes.size(); i++) {
            while (sortedTimes.get(i) - sortedTimes.get(j) >= windowMillis) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }

    private JsonNode get(String pathAndQuery) {
        try {
            return EventJson.mapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + storePort + pathAndQuery)).header("Authorization", "Bearer " + storeToken).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return EventJson.mapper().createObjectNode();
        }
    }
}
