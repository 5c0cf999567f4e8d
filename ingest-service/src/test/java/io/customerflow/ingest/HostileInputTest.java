package io.customerflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * More than 10,000 generated hostile requests (see {@link HostileCorpus}), four at a time: never a 5xx, each
 * answered with the status its kind calls for, nothing published but the one replayed valid webhook's events,
 * ingest healthy and serving afterwards, and no email, name, secret or key in the log.
 */
@QuarkusTest
class HostileInputTest extends IngestTestBase {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

    @TestHTTPResource("/")
    URI base;

    @Test
    void tenThousandHostileRequestsGetA4xxAndPublishNothing() throws Exception {
        HostileCorpus corpus = new HostileCorpus(base, SECRET, SHOP);
        byte[] replayed = corpus.validOrder(9_000_001L);
        webhook("orders/create", replayed, SECRET, "replayed-delivery").statusCode(200);
        // Another test's late records may still arrive here: count this delivery's own.
        List<ConsumerRecord<String, byte[]>> before = published();
        int eventsOfOneDelivery = (int) before.stream()
                .filter(r -> header(r, "ce_id").contains("/9000001/") || header(r, "ce_id").endsWith("/replayed-delivery")).count();
        assertEquals(2, eventsOfOneDelivery, "an order event and a booking event");

        List<HostileCorpus.Hostile> requests = new ArrayList<>(corpus.generate(API_KEY, "replayed-delivery", replayed));
        Collections.shuffle(requests, new java.util.Random(7));
        assertTrue(requests.size() >= 10_000, "corpus size " + requests.size());

        Map<String, Map<Integer, Integer>> statusesByKind = new TreeMap<>();
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (HostileCorpus.Hostile h : requests) {
                answers.add(pool.submit(() -> h.sender().send(corpus)));
            }
            for (int i = 0; i < requests.size(); i++) {
                HostileCorpus.Hostile h = requests.get(i);
                int status;
                try {
                    status = answers.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    unexpected.add(h.kind() + " → " + e.getCause());
                    continue;
                }
                statusesByKind.computeIfAbsent(h.kind(), k -> new TreeMap<>()).merge(status, 1, Integer::sum);
                if (!h.allowed().contains(status)) {
                    unexpected.add(h.kind() + " → " + status);
                }
            }
        } finally {
            pool.shutdown();
        }
        System.out.printf("[hostile] %d requests in %.1f s: %s%n", requests.size(),
                (System.nanoTime() - started) / 1e9, statusesByKind);

        assertEquals(List.of(), unexpected.stream().distinct().toList(), "answers outside what each kind allows");
        List<ConsumerRecord<String, byte[]>> all = published();
        List<ConsumerRecord<String, byte[]>> published = all.subList(before.size(), all.size());
        assertEquals(List.of(), published.stream().map(r -> r.topic() + " " + header(r, "ce_id")).toList(),
                "published from rejected or replayed input (the one delivery gave " + eventsOfOneDelivery + ")");

        RestAssured.given().get("/q/health/ready").then().statusCode(200);
        webhook("orders/create", bookingOrder(9_000_002L), SECRET, "after-the-storm").statusCode(200);
        assertEquals(2, tail.await(2, r -> header(r, "ce_id").contains("/9000002/")
                || header(r, "ce_id").endsWith("/after-the-storm"), Duration.ofSeconds(20)).size(), "still publishing");
        assertLogHoldsNoPersonalDataOrSecrets();
    }

    /** The test profile writes the log to a file: every line this JVM logged so far. */
    private static void assertLogHoldsNoPersonalDataOrSecrets() throws Exception {
        Path log = Path.of("target/ingest-test.log");
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertTrue(lines.size() > 5, "ingest logged " + lines.size() + " lines to " + log);
        List<String> forbidden = List.of(HostileCorpus.MARKER_NAME, SECRET, ROTATED_SECRET, API_KEY);
        for (String line : lines) {
            assertTrue(!EMAIL.matcher(line).find(), "an email in the log: " + line);
            for (String f : forbidden) {
                assertTrue(!line.contains(f), "'" + f + "' in the log: " + line);
            }
        }
    }
}
